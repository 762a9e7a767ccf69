namespace VllmAspire.Provisioner.Stages;

/// <summary>
/// A validated graph of provisioning stages: every dependency resolved to a stage (by its name, or through another
/// stage's <see cref="IProvisioningStage.Provides"/>), no duplicates, no cycles. Stages are kept in a deploy order
/// (every stage after its dependencies, otherwise in the order given).
/// </summary>
internal sealed class StageGraph
{
    private readonly Dictionary<string, IReadOnlyList<string>> _dependencies;
    private readonly Dictionary<string, IReadOnlyList<string>> _dependents;

    private StageGraph(IReadOnlyList<IProvisioningStage> ordered, Dictionary<string, IReadOnlyList<string>> dependencies)
    {
        Stages = ordered;
        _dependencies = dependencies;
        _dependents = ordered.ToDictionary(
            s => s.Name,
            s => (IReadOnlyList<string>)[.. ordered.Where(d => dependencies[d.Name].Contains(s.Name)).Select(d => d.Name)],
            StringComparer.Ordinal);
    }

    /// <summary>Gets the stages in deploy order.</summary>
    public IReadOnlyList<IProvisioningStage> Stages { get; }

    /// <summary>Validates the stages and orders them.</summary>
    /// <param name="stages">The stages.</param>
    /// <returns>The graph.</returns>
    /// <exception cref="StageGraphException">A duplicate name, an unknown dependency or a cycle; the message names the stages.</exception>
    public static StageGraph Create(IEnumerable<IProvisioningStage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var list = stages.ToList();
        var byName = new Dictionary<string, IProvisioningStage>(StringComparer.Ordinal);
        foreach (var stage in list)
        {
            if (string.IsNullOrWhiteSpace(stage.Name))
            {
                throw new StageGraphException($"A stage of type {stage.GetType().Name} has no name; every stage needs a unique name.");
            }

            if (!byName.TryAdd(stage.Name, stage))
            {
                throw new StageGraphException($"Two stages are named '{stage.Name}'; stage names must be unique.");
            }
        }

        // An object name resolves to the stage that provides it; a stage's own name always wins.
        var providers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stage in list)
        {
            foreach (var provided in stage.Provides)
            {
                if (byName.ContainsKey(provided) && provided != stage.Name)
                {
                    continue;
                }

                if (providers.TryGetValue(provided, out var other) && other != stage.Name)
                {
                    throw new StageGraphException($"Stages '{other}' and '{stage.Name}' both provide '{provided}'; one object must have one stage.");
                }

                providers[provided] = stage.Name;
            }
        }

        var dependencies = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var stage in list)
        {
            var resolved = new List<string>();
            foreach (var dependency in stage.DependsOn)
            {
                var target = byName.ContainsKey(dependency) ? dependency
                    : providers.TryGetValue(dependency, out var provider) ? provider
                    : throw new StageGraphException(
                        $"Stage '{stage.Name}' depends on '{dependency}', which is neither a stage nor provided by one (stages: {string.Join(", ", byName.Keys)}).");
                if (target == stage.Name)
                {
                    // A stage that depends on an object it provides itself waits for nothing.
                    continue;
                }

                if (!resolved.Contains(target))
                {
                    resolved.Add(target);
                }
            }

            dependencies[stage.Name] = resolved;
        }

        return new StageGraph(Order(list, dependencies), dependencies);
    }

    /// <summary>Gets the stages a stage waits for when deploying.</summary>
    /// <param name="name">The stage's name.</param>
    /// <returns>The names of its resolved dependencies.</returns>
    public IReadOnlyList<string> GetDependencies(string name) => _dependencies[name];

    /// <summary>Gets the stages that depend on a stage (they wait for it when deploying; it waits for them when destroying).</summary>
    /// <param name="name">The stage's name.</param>
    /// <returns>The names of its dependents.</returns>
    public IReadOnlyList<string> GetDependents(string name) => _dependents[name];

    /// <summary>Gets what a stage waits for in a run: its dependencies when deploying, its dependents when destroying.</summary>
    /// <param name="name">The stage's name.</param>
    /// <param name="mode">The run's direction.</param>
    /// <returns>The names of the stages it waits for.</returns>
    public IReadOnlyList<string> GetPrerequisites(string name, StageRunMode mode) =>
        mode == StageRunMode.Deploy ? GetDependencies(name) : GetDependents(name);

    // Kahn's algorithm, taking ready stages in the order given so the result is stable.
    private static List<IProvisioningStage> Order(List<IProvisioningStage> stages, Dictionary<string, IReadOnlyList<string>> dependencies)
    {
        var ordered = new List<IProvisioningStage>(stages.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var remaining = new List<IProvisioningStage>(stages);
        while (remaining.Count > 0)
        {
            var ready = remaining.FirstOrDefault(s => dependencies[s.Name].All(done.Contains));
            if (ready is null)
            {
                throw new StageGraphException($"The stages {DescribeCycle(remaining, dependencies)} form a cycle; a stage cannot wait for itself.");
            }

            ordered.Add(ready);
            done.Add(ready.Name);
            remaining.Remove(ready);
        }

        return ordered;
    }

    // Walks dependencies among the stages left over until a name repeats: that loop is the cycle.
    private static string DescribeCycle(List<IProvisioningStage> remaining, Dictionary<string, IReadOnlyList<string>> dependencies)
    {
        var left = remaining.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var path = new List<string>();
        var current = remaining[0].Name;
        while (!path.Contains(current))
        {
            path.Add(current);
            current = dependencies[current].First(left.Contains);
        }

        var cycle = path.Skip(path.IndexOf(current)).Append(current);
        return string.Join(" → ", cycle.Select(n => $"'{n}'"));
    }
}
