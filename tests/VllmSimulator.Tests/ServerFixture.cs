namespace VllmSimulator.Tests;

/// <summary>A simulator process serving the shared sample model, started once per test class.</summary>
public abstract class ServerFixture : IAsyncLifetime
{
    protected abstract string[] ExtraArgs { get; }

    public SimulatorProcess Process { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var model = await TestModels.SampleAsync();
        Process = SimulatorProcess.Start(["--model", model.Directory, "--port", "0", .. ExtraArgs]);
        Http = new HttpClient { BaseAddress = await Process.WaitForUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class FastServer : ServerFixture
{
    protected override string[] ExtraArgs => ["--ttft-ms", "5", "--tpot-ms", "1"];
}

public sealed class QueueServer : ServerFixture
{
    protected override string[] ExtraArgs => ["--max-num-seqs", "2", "--ttft-ms", "0", "--tpot-ms", "150", "--served-model-name", "queued"];
}

public sealed class V0Server : ServerFixture
{
    protected override string[] ExtraArgs => ["--vllm-version", "0.5.3", "--ttft-ms", "1", "--tpot-ms", "1"];
}
