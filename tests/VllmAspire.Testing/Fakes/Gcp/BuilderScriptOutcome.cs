namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>What a fake VM with a <c>startup-script</c> prints on its serial port once its script has run.</summary>
public enum BuilderScriptOutcome
{
    /// <summary>The image-cache done sentinel.</summary>
    Success,

    /// <summary>The image-cache failure line.</summary>
    Failure,

    /// <summary>Nothing after the boot lines (a hung script).</summary>
    Silent,
}
