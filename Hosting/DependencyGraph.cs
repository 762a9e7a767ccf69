using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>The <c>WaitFor</c> graph of the model.</summary>
internal static class DependencyGraph
{
    /// <summary>Gets the resources a resource waits for.</summary>
    public static IEnumerable<IResource> GetDependencies(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource).Distinct();

    /// <summary>Throws when the wait graph has a cycle, naming it.</summary>
    public static void ThrowIfCyclic(IReadOnlyList<IResource> resources)
    {
        var state = new Dictionary<IResource, bool>(ReferenceEqualityComparer.Instance); // false = visiting, true = done
        var path = new Stack<IResource>();
        foreach (var resource in resources)
        {
            Visit(resource);
        }

        void Visit(IResource resource)
        {
            if (state.TryGetValue(resource, out var done))
            {
                if (!done)
                {
                    var cycle = path.Reverse().SkipWhile(r => r != resource).Select(r => r.Name).Append(resource.Name);
                    throw new DistributedApplicationException($"WaitFor forms a cycle: {string.Join(" -> ", cycle)}. Remove one of these WaitFor calls.");
                }

                return;
            }

            state[resource] = false;
            path.Push(resource);
            foreach (var dependency in GetDependencies(resource))
            {
                Visit(dependency);
            }

            path.Pop();
            state[resource] = true;
        }
    }
}
