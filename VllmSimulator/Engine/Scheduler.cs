namespace VllmAspire.VllmSimulator.Engine;

/// <summary>
/// Admission like vLLM's scheduler: at most <c>--max-num-seqs</c> requests run; the rest wait in arrival order.
/// A freed slot passes straight to the oldest waiter, so the running and waiting counts are exact at every instant.
/// </summary>
public sealed class Scheduler(int maxRunning)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private int _running;

    /// <summary>Requests holding a slot.</summary>
    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Requests queued for a slot.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Both counts read together.</summary>
    /// <returns>Running and waiting.</returns>
    public (int Running, int Waiting) Snapshot()
    {
        lock (_gate)
        {
            return (_running, _waiting.Count);
        }
    }

    /// <summary>Waits for a slot in FIFO order; cancelling (client gone) leaves the queue.</summary>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>The slot; dispose it to free it.</returns>
    public async Task<IDisposable> AcquireAsync(CancellationToken ct)
    {
        TaskCompletionSource tcs;
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            ct.ThrowIfCancellationRequested();
            if (_waiting.Count == 0 && _running < maxRunning)
            {
                _running++;
                return new Slot(this);
            }

            tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast(tcs);
        }

        using (ct.Register(() =>
        {
            lock (_gate)
            {
                // Only a request still queued can leave; one already handed a slot keeps it and frees it later.
                if (node.List is not null)
                {
                    _waiting.Remove(node);
                    tcs.TrySetCanceled(ct);
                }
            }
        }))
        {
            await tcs.Task.ConfigureAwait(false);
        }

        return new Slot(this);
    }

    private void Release()
    {
        lock (_gate)
        {
            if (_waiting.First is { } next)
            {
                _waiting.RemoveFirst();
                next.Value.TrySetResult(); // the slot moves to the next request; _running is unchanged
            }
            else
            {
                _running--;
            }
        }
    }

    private sealed class Slot(Scheduler owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
