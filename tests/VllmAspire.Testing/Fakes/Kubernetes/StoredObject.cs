using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>An object in the fake's store and the field managers that own its fields.</summary>
/// <param name="Object">The object.</param>
/// <param name="FieldOwners">Field path (e.g. <c>.spec.replicas</c>) to manager.</param>
public sealed record StoredObject(JsonObject Object, Dictionary<string, string> FieldOwners);
