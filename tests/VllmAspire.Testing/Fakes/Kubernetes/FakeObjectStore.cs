using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>
/// The fake API server's storage (etcd's role): objects by type, namespace and name, one resourceVersion counter for all,
/// a history of changes and live subscribers for watches. Every method takes the store's lock; callers that need
/// several steps atomically take <see cref="Sync"/> themselves.
/// </summary>
public sealed class FakeObjectStore
{
    private readonly Dictionary<(FakeResourceType Type, string Namespace, string Name), StoredObject> _objects = [];
    private readonly List<WatchEvent> _history = [];
    private readonly List<Channel<WatchEvent>> _watchers = [];
    private long _resourceVersion = 1000;

    /// <summary>Gets the lock guarding the store.</summary>
    public Lock Sync { get; } = new();

    /// <summary>Gets the current resourceVersion.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (Sync)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Reads an object.</summary>
    /// <param name="type">Its type.</param>
    /// <param name="namespace">Its namespace ("" for cluster-scoped).</param>
    /// <param name="name">Its name.</param>
    /// <returns>The stored entry, or <see langword="null"/>.</returns>
    public StoredObject? Get(FakeResourceType type, string? @namespace, string name)
    {
        lock (Sync)
        {
            return _objects.GetValueOrDefault((type, @namespace ?? "", name));
        }
    }

    /// <summary>Lists objects of a type, in one namespace or all.</summary>
    /// <param name="type">The type.</param>
    /// <param name="namespace">The namespace, or <see langword="null"/> for all.</param>
    /// <returns>Deep copies of the objects, ordered by namespace and name.</returns>
    public List<JsonObject> List(FakeResourceType type, string? @namespace)
    {
        lock (Sync)
        {
            return [.. _objects.Where(o => o.Key.Type == type && (@namespace is null || o.Key.Namespace == @namespace))
                .OrderBy(o => o.Key.Namespace, StringComparer.Ordinal).ThenBy(o => o.Key.Name, StringComparer.Ordinal)
                .Select(o => o.Value.Object.DeepClone().AsObject())];
        }
    }

    /// <summary>Lists every stored entry.</summary>
    /// <returns>Type, namespace, name and entry of each object.</returns>
    public List<(FakeResourceType Type, string Namespace, string Name, StoredObject Entry)> All()
    {
        lock (Sync)
        {
            return [.. _objects.Select(o => (o.Key.Type, o.Key.Namespace, o.Key.Name, o.Value))];
        }
    }

    /// <summary>Stores a new or changed object: sets its resourceVersion and tells watchers.</summary>
    /// <param name="type">Its type.</param>
    /// <param name="obj">The object (a copy is stored; the entry returned holds it).</param>
    /// <param name="owners">Who owns which field (server-side apply), or <see langword="null"/> to keep the current owners.</param>
    /// <returns>The stored entry.</returns>
    public StoredObject Put(FakeResourceType type, JsonObject obj, Dictionary<string, string>? owners = null)
    {
        lock (Sync)
        {
            // Stored as parsed JSON, as etcd holds bytes: values read back have one representation whatever built them.
            obj = JsonNode.Parse(obj.ToJsonString())!.AsObject();
            var key = (type, (string?)obj["metadata"]?["namespace"] ?? "", (string)obj["metadata"]!["name"]!);
            var existed = _objects.TryGetValue(key, out var previous);
            var rv = ++_resourceVersion;
            obj["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            var entry = new StoredObject(obj, owners ?? previous?.FieldOwners ?? []);
            _objects[key] = entry;
            Publish(new WatchEvent(existed ? "MODIFIED" : "ADDED", type, obj.DeepClone().AsObject(), rv));
            return entry;
        }
    }

    /// <summary>Removes an object and tells watchers.</summary>
    /// <param name="type">Its type.</param>
    /// <param name="namespace">Its namespace ("" for cluster-scoped).</param>
    /// <param name="name">Its name.</param>
    /// <returns>The removed object, or <see langword="null"/> when it was not there.</returns>
    public JsonObject? Remove(FakeResourceType type, string? @namespace, string name)
    {
        lock (Sync)
        {
            if (!_objects.Remove((type, @namespace ?? "", name), out var entry))
            {
                return null;
            }

            var rv = ++_resourceVersion;
            Publish(new WatchEvent("DELETED", type, entry.Object.DeepClone().AsObject(), rv));
            return entry.Object;
        }
    }

    /// <summary>Subscribes to changes after a resourceVersion (replayed from history) and from now on.</summary>
    /// <param name="after">Replay changes with a larger resourceVersion; <see langword="null"/> for none.</param>
    /// <returns>The channel; call <see cref="Unsubscribe"/> when done.</returns>
    public Channel<WatchEvent> Subscribe(long? after)
    {
        lock (Sync)
        {
            var channel = Channel.CreateUnbounded<WatchEvent>();
            if (after is { } rv)
            {
                foreach (var e in _history.Where(e => e.ResourceVersion > rv))
                {
                    channel.Writer.TryWrite(e);
                }
            }

            _watchers.Add(channel);
            return channel;
        }
    }

    /// <summary>Ends a subscription.</summary>
    /// <param name="channel">The channel from <see cref="Subscribe"/>.</param>
    public void Unsubscribe(Channel<WatchEvent> channel)
    {
        lock (Sync)
        {
            _watchers.Remove(channel);
            channel.Writer.TryComplete();
        }
    }

    private void Publish(WatchEvent e)
    {
        _history.Add(e);
        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryWrite(e);
        }
    }
}
