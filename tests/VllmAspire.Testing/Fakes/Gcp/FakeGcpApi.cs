using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>One fake Google API served by <see cref="FakeGcp"/> under a path prefix.</summary>
public abstract class FakeGcpApi
{
    private readonly List<FakeApiRoute> _routes = [];

    /// <summary>Initializes a new instance of the <see cref="FakeGcpApi"/> class.</summary>
    /// <param name="host">The host that serves it.</param>
    /// <param name="prefix">The path prefix, e.g. <c>compute/v1/</c>.</param>
    /// <param name="discovery">The API's discovery document.</param>
    protected FakeGcpApi(FakeGcp host, string prefix, DiscoveryDocument discovery)
    {
        Host = host;
        Prefix = prefix;
        Discovery = discovery;
    }

    /// <summary>Gets the path prefix under which the API is served, e.g. <c>compute/v1/</c>.</summary>
    public string Prefix { get; }

    /// <summary>Gets the API's discovery document.</summary>
    public DiscoveryDocument Discovery { get; }

    /// <summary>Gets the routes.</summary>
    internal IReadOnlyList<FakeApiRoute> Routes => _routes;

    /// <summary>Gets the host (its lock, clock and faults).</summary>
    protected FakeGcp Host { get; }

    /// <summary>Gets the current time.</summary>
    protected DateTimeOffset Now => Host.Time.GetUtcNow();

    /// <summary>Finishes the operations whose time is up. Called under the host's lock before each request.</summary>
    /// <param name="now">The current time.</param>
    internal abstract void Advance(DateTimeOffset now);

    /// <summary>Adds a route whose handler runs under the host's lock.</summary>
    /// <param name="httpMethod">The HTTP method.</param>
    /// <param name="pattern">The path pattern (anchored here).</param>
    /// <param name="methodId">The discovery method ID.</param>
    /// <param name="handler">The handler.</param>
    protected void Map(string httpMethod, string pattern, string methodId, Func<FakeCall, FakeResult> handler) =>
        _routes.Add(new FakeApiRoute(httpMethod, new Regex($"^{pattern}$"), methodId, (call, _) =>
        {
            lock (Host.Gate)
            {
                return Task.FromResult(handler(call));
            }
        }));

    /// <summary>Adds a route whose handler takes the lock itself (one that waits).</summary>
    /// <param name="httpMethod">The HTTP method.</param>
    /// <param name="pattern">The path pattern.</param>
    /// <param name="methodId">The discovery method ID.</param>
    /// <param name="handler">The handler.</param>
    protected void MapAsync(string httpMethod, string pattern, string methodId, Func<FakeCall, CancellationToken, Task<FakeResult>> handler) =>
        _routes.Add(new FakeApiRoute(httpMethod, new Regex($"^{pattern}$"), methodId, handler));

    /// <summary>A labels filter of a list call, <c>labels.KEY = "VALUE"</c> terms joined by spaces or AND.</summary>
    /// <param name="filter">The filter, or <see langword="null"/>.</param>
    /// <param name="resource">The resource.</param>
    /// <returns><see langword="true"/> if the resource passes.</returns>
    /// <exception cref="FormatException">The filter is not of that form.</exception>
    protected static bool MatchesLabelFilter(string? filter, JsonObject resource)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return true;
        }

        var terms = Regex.Matches(filter, @"\(?\s*labels\.([a-z0-9_-]+)\s*(=|:|eq)\s*""?([a-z0-9_-]*)""?\s*\)?");
        if (terms.Count == 0)
        {
            throw new FormatException($"Invalid value for field 'filter': '{filter}'. Invalid list filter expression.");
        }

        return terms.All(t => (string?)resource["labels"]?[t.Groups[1].Value] == t.Groups[3].Value);
    }
}
