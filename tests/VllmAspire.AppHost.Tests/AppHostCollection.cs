namespace VllmAspire.AppHost.Tests;

/// <summary>
/// The tests that share one started AppHost (<see cref="LocalRunFixture"/>), one class after the other: starting it
/// costs tens of seconds on a busy 2-core machine, and two runs in one test process would share the aspire CLI's
/// socket name (the AppHost's path and this process's id).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostCollection : ICollectionFixture<LocalRunFixture>
{
    public const string Name = "AppHost";
}

/// <summary>The tests that start the AppHost as a process of their own, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostProcessCollection
{
    public const string Name = "AppHost process";
}
