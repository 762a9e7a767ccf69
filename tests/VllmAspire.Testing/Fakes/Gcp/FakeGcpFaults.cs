using System.Collections.Concurrent;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>Switchable faults of the fake Google APIs.</summary>
public sealed class FakeGcpFaults
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, FakeOperationFailure> _operationFailures = new(StringComparer.Ordinal);
    private readonly List<(string MethodId, Func<FakeGcpRequest, Task> Hook)> _hooks = [];
    private readonly List<(string MethodId, FakeResult Result, int Remaining)> _answers = [];
    private readonly Dictionary<string, int> _lostAnswers = new(StringComparer.Ordinal);
    private Random _random = new(1);

    /// <summary>
    /// Gets or sets the share of requests answered with a transient 429 or 503. Half of them are refused before any
    /// work; the other half do the work and lose the answer, as a dropped connection would.
    /// </summary>
    public double TransientRate { get; set; }

    private volatile bool _holdOperations;

    /// <summary>Gets or sets how long every long-running operation takes.</summary>
    public TimeSpan OperationDuration { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// Gets or sets a value indicating whether long-running operations stay RUNNING past <see cref="OperationDuration"/>
    /// until this is set back to <see langword="false"/>: a test lets them finish at the point it needs, not after a time.
    /// </summary>
    public bool HoldOperations
    {
        get => _holdOperations;
        set => _holdOperations = value;
    }

    /// <summary>Sets the seed of the transient-fault dice.</summary>
    /// <param name="seed">The seed.</param>
    public void Seed(int seed)
    {
        lock (_gate)
        {
            _random = new Random(seed);
        }
    }

    /// <summary>Makes every operation that creates the named resource (disk, image, instance, node pool) fail.</summary>
    /// <param name="resourceName">The resource's name.</param>
    /// <param name="failure">The error, or <see langword="null"/> for a quota error.</param>
    public void FailOperationsFor(string resourceName, FakeOperationFailure? failure = null) =>
        _operationFailures[resourceName] = failure ?? new FakeOperationFailure("QUOTA_EXCEEDED", $"Quota 'SSD_TOTAL_GB' exceeded while creating {resourceName}.");

    /// <summary>Stops failing operations for a resource.</summary>
    /// <param name="resourceName">The resource's name.</param>
    public void StopFailingOperationsFor(string resourceName) => _operationFailures.TryRemove(resourceName, out _);

    /// <summary>Runs a hook whenever a request of the given method arrives (before it is handled), e.g. to kill a process at that point.</summary>
    /// <param name="methodId">The discovery method ID.</param>
    /// <param name="hook">The hook; an exception from it makes the fake answer 503.</param>
    public void OnRequest(string methodId, Func<FakeGcpRequest, Task> hook)
    {
        lock (_gate)
        {
            _hooks.Add((methodId, hook));
        }
    }

    /// <summary>Answers the next <paramref name="times"/> requests of a method with a fixed answer (e.g. a 403) instead of handling them.</summary>
    /// <param name="methodId">The discovery method ID.</param>
    /// <param name="result">The answer.</param>
    /// <param name="times">How many requests get it.</param>
    public void AnswerWith(string methodId, FakeResult result, int times = int.MaxValue)
    {
        lock (_gate)
        {
            _answers.Add((methodId, result, times));
        }
    }

    /// <summary>Handles the next <paramref name="times"/> requests of a method but answers 503, as when the connection drops after the work is done.</summary>
    /// <param name="methodId">The discovery method ID.</param>
    /// <param name="times">How many requests lose their answer.</param>
    public void LoseAnswers(string methodId, int times = 1)
    {
        lock (_gate)
        {
            _lostAnswers[methodId] = _lostAnswers.GetValueOrDefault(methodId) + times;
        }
    }

    /// <summary>Removes every fault and hook.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            TransientRate = 0;
            HoldOperations = false;
            _hooks.Clear();
            _answers.Clear();
            _operationFailures.Clear();
            _lostAnswers.Clear();
        }
    }

    internal FakeOperationFailure? OperationFailureFor(string resourceName) => _operationFailures.GetValueOrDefault(resourceName);

    internal IReadOnlyList<Func<FakeGcpRequest, Task>> HooksFor(string methodId)
    {
        lock (_gate)
        {
            return _hooks.Where(h => h.MethodId == methodId).Select(h => h.Hook).ToList();
        }
    }

    internal FakeResult? TakeAnswer(string methodId)
    {
        lock (_gate)
        {
            var index = _answers.FindIndex(a => a.MethodId == methodId && a.Remaining > 0);
            if (index < 0)
            {
                return null;
            }

            var answer = _answers[index];
            _answers[index] = answer with { Remaining = answer.Remaining - 1 };
            return answer.Result;
        }
    }

    /// <summary>Rolls the dice: no fault, a fault before the work, or a fault after it.</summary>
    /// <returns>0 for none, 1 for before, 2 for after.</returns>
    internal int RollTransient()
    {
        lock (_gate)
        {
            if (TransientRate <= 0 || _random.NextDouble() >= TransientRate)
            {
                return 0;
            }

            return _random.Next(2) + 1;
        }
    }

    internal bool TakeLostAnswer(string methodId)
    {
        lock (_gate)
        {
            if (_lostAnswers.GetValueOrDefault(methodId) <= 0)
            {
                return false;
            }

            _lostAnswers[methodId]--;
            return true;
        }
    }

    internal bool RollBit()
    {
        lock (_gate)
        {
            return _random.Next(2) == 0;
        }
    }
}
