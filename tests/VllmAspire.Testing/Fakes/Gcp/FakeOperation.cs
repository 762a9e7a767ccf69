using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>A long-running operation of a fake API: RUNNING until its time is up, then DONE with its effect applied (or its error set).</summary>
internal sealed class FakeOperation
{
    /// <summary>Gets the operation as the API returns it (<c>status</c> etc. updated in place).</summary>
    public required JsonObject Body { get; init; }

    /// <summary>Gets when the operation finishes.</summary>
    public required DateTimeOffset DoneAt { get; init; }

    /// <summary>Gets what happens when it finishes successfully.</summary>
    public Action? OnDone { get; init; }

    /// <summary>Gets what happens when it fails (e.g. the half-made object goes away).</summary>
    public Action? OnFailed { get; init; }

    /// <summary>Gets the failure to report, if the test asked for one.</summary>
    public FakeOperationFailure? Failure { get; init; }

    /// <summary>Gets the cluster path of a Container operation (one runs at a time per cluster).</summary>
    public string? Cluster { get; init; }

    /// <summary>Gets a value indicating whether the operation is DONE.</summary>
    public bool IsDone { get; private set; }

    /// <summary>Finishes the operation if its time is up and it is not held. Call under the fake's lock.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="held">Whether the test holds operations running (<see cref="FakeGcpFaults.HoldOperations"/>).</param>
    /// <param name="setError">Writes the failure into the body in the API's own shape.</param>
    public void Advance(DateTimeOffset now, bool held, Action<JsonObject, FakeOperationFailure> setError)
    {
        if (IsDone || held || now < DoneAt)
        {
            return;
        }

        IsDone = true;
        Body["status"] = "DONE";
        Body["endTime"] = now.ToString("O");
        if (Body.ContainsKey("progress"))
        {
            Body["progress"] = 100;
        }

        if (Failure is { } failure)
        {
            setError(Body, failure);
            OnFailed?.Invoke();
        }
        else
        {
            OnDone?.Invoke();
        }
    }
}
