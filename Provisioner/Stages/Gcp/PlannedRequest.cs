using System.Text.Json.Nodes;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Gcp;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>A plan step's request, read for what the stages need: the URL relative to the API's endpoint, the body and the object's path.</summary>
internal sealed class PlannedRequest
{
    private PlannedRequest(GkePlanStep step, string relativeUrl)
    {
        Step = step;
        RelativeUrl = relativeUrl;
        var query = relativeUrl.IndexOf('?', StringComparison.Ordinal);
        CollectionPath = query < 0 ? relativeUrl : relativeUrl[..query];
        Body = step.Body ?? throw new ArgumentException($"Plan step '{step.Id}' has no body; republish the plan.", nameof(step));
    }

    /// <summary>Gets the plan step.</summary>
    public GkePlanStep Step { get; }

    /// <summary>Gets the URL relative to the API's endpoint, query (e.g. <c>requestId</c>) included.</summary>
    public string RelativeUrl { get; }

    /// <summary>Gets the path without the query, e.g. <c>projects/p/zones/z/disks</c>.</summary>
    public string CollectionPath { get; }

    /// <summary>Gets the planned body.</summary>
    public JsonObject Body { get; }

    /// <summary>Gets what the step waits for, as the stages provide it: step IDs, image references, Kubernetes object keys.</summary>
    public IReadOnlyList<string> DependsOn => [.. Step.DependsOn.Keys];

    /// <summary>Gets the path of the Compute object the request creates, e.g. <c>projects/p/zones/z/disks/d</c>.</summary>
    public string ComputeResourcePath => $"{CollectionPath}/{Name}";

    /// <summary>Gets the created object's name (<c>name</c> of the body).</summary>
    public string Name => (string?)Body["name"] ?? throw new ArgumentException($"Plan step '{Step.Id}' has a body without a name; republish the plan.");

    /// <summary>Gets the labels the body gives the object (what marks it as ours).</summary>
    public IReadOnlyDictionary<string, string> Labels => LabelsOf(Body["labels"]);

    /// <summary>Reads the body as the typed request the step's method takes.</summary>
    /// <typeparam name="T">The request type, e.g. <see cref="Contracts.Plan.Compute.Disk"/>.</typeparam>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">The body does not read as <typeparamref name="T"/>.</exception>
    public T As<T>()
        where T : class
    {
        try
        {
            return Step.BodyAs<T>();
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    /// <summary>Reads a plan step whose URL is on one of the real Google endpoints.</summary>
    /// <param name="step">The step.</param>
    /// <returns>The request.</returns>
    public static PlannedRequest From(GkePlanStep step)
    {
        foreach (var endpoint in new[] { GcpEndpoints.DefaultCompute, GcpEndpoints.DefaultContainer, GcpEndpoints.DefaultResourceManager })
        {
            if (step.Url.StartsWith(endpoint, StringComparison.Ordinal))
            {
                return new PlannedRequest(step, step.Url[endpoint.Length..]);
            }
        }

        throw new ArgumentException($"Plan step '{step.Id}' calls {step.Url}, which is not a Compute, Container or Resource Manager URL; republish the plan.", nameof(step));
    }

    /// <summary>Reads a JSON labels map.</summary>
    /// <param name="labels">The map, or <see langword="null"/>.</param>
    /// <returns>The labels.</returns>
    public static IReadOnlyDictionary<string, string> LabelsOf(JsonNode? labels) =>
        labels is JsonObject map ? map.ToDictionary(p => p.Key, p => (string?)p.Value ?? "", StringComparer.Ordinal) : new Dictionary<string, string>();
}
