namespace VllmAspire.Hosting.Eventing;

/// <summary>An application lifecycle event.</summary>
public interface IDistributedApplicationEvent;
