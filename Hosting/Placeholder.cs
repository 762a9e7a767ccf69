namespace VllmAspire.Hosting;
/// <summary>x</summary>
public static class Placeholder { }
