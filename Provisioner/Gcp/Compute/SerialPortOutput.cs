using System.Text.Json.Serialization;

namespace VllmAspire.Provisioner.Gcp.Compute;

/// <summary>A chunk of an instance's serial port output (<c>instances.getSerialPortOutput</c>).</summary>
internal sealed record SerialPortOutput
{
    /// <summary>Gets the text from <see cref="Start"/> on.</summary>
    public string? Contents { get; init; }

    /// <summary>Gets the byte offset the contents start at (the buffer keeps 1 MB, so it may be later than asked).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long Start { get; init; }

    /// <summary>Gets the offset to ask for next time.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long Next { get; init; }
}
