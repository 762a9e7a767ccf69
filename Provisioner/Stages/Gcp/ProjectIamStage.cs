using System.Globalization;
using VllmAspire.Contracts.Plan.ResourceManager;
using VllmAspire.Provisioner.Gcp;
using VllmAspire.Provisioner.Gcp.ResourceManager;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// The project IAM bindings of the plan (Workload Identity principals): a read-modify-write of the project policy that
/// adds only missing members to unconditional bindings of the planned roles, keeps every other binding, sends the etag
/// back, and starts over when a concurrent change makes the write fail with 409 ABORTED (reference/gcp.md §4). Destroy
/// removes only our members.
/// </summary>
/// <param name="request">The planned <c>setIamPolicy</c>, whose members may hold <c>{projectNumber}</c>.</param>
/// <param name="options">The stage timings.</param>
internal sealed class ProjectIamStage(PlannedRequest request, GcpStageOptions options)
    : GcpStage(request.Step.Id, request.DependsOn, [request.Step.Id], options)
{
    private const string ProjectNumberPlaceholder = "{projectNumber}";

    private readonly string _project = request.CollectionPath["v1/projects/".Length..^":setIamPolicy".Length];
    private readonly SetIamPolicyRequest _planned = request.As<SetIamPolicyRequest>();

    /// <inheritdoc />
    protected override Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken) =>
        ReadModifyWriteAsync(context, add: true, cancellationToken);

    /// <inheritdoc />
    protected override Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken) =>
        ReadModifyWriteAsync(context, add: false, cancellationToken);

    private static ResourceManagerClient ResourceManager(StageContext context) => context.Services.GetRequiredService<ResourceManagerClient>();

    private async Task<StageResult> ReadModifyWriteAsync(StageContext context, bool add, CancellationToken cancellationToken)
    {
        var resource = $"projects/{_project}";
        var number = (await ResourceManager(context).GetProjectAsync(_project, cancellationToken).ConfigureAwait(false)).ProjectNumber;
        var planned = PlannedBindings(number.ToString(CultureInfo.InvariantCulture));
        var updateMask = _planned.UpdateMask ?? SetIamPolicyRequest.BindingsAndEtag;
        for (var attempt = 1; ; attempt++)
        {
            var policy = await ResourceManager(context).GetIamPolicyAsync(_project, cancellationToken).ConfigureAwait(false);
            var changes = add ? AddMembers(policy, planned) : RemoveMembers(policy, planned);
            if (changes.Count == 0)
            {
                return StageResult.Unchanged(resource);
            }

            var verb = add ? "add" : "remove";
            if (context.DryRun)
            {
                return new StageResult(add ? StageOutcome.Changed : StageOutcome.Deleted, [resource], $"would {verb} {string.Join("; ", changes)}");
            }

            try
            {
                policy.Version = 3;
                await ResourceManager(context).SetIamPolicyAsync(_project, policy, updateMask, cancellationToken).ConfigureAwait(false);
                return new StageResult(add ? StageOutcome.Changed : StageOutcome.Deleted, [resource], $"{(add ? "added" : "removed")} {string.Join("; ", changes)}");
            }
            catch (GcpApiException ex) when (ex.Error.IsConcurrentChange && attempt < Options.IamMaxAttempts)
            {
                // Someone changed the policy since our read: redo the whole read-modify-write after a jittered backoff.
                var delay = Options.IamBaseDelay * Math.Pow(2, attempt - 1) * (0.5 + Random.Shared.NextDouble());
                Report(context, $"{resource}: the policy changed concurrently; retrying in {delay.TotalSeconds:0.0} s");
                await Task.Delay(delay, Time(context), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private List<(string Role, string Member)> PlannedBindings(string projectNumber) =>
        [.. _planned.Policy.Bindings.SelectMany(b => b.Members.Select(m => (b.Role, m.Replace(ProjectNumberPlaceholder, projectNumber, StringComparison.Ordinal))))];

    // Conditional bindings are someone else's: ours are unconditional.
    private static List<string> AddMembers(IamPolicy policy, List<(string Role, string Member)> planned)
    {
        var changes = new List<string>();
        foreach (var (role, member) in planned)
        {
            var binding = policy.Bindings.FirstOrDefault(b => b.Role == role && b.Condition is null);
            if (binding is null)
            {
                binding = new IamBinding { Role = role };
                policy.Bindings.Add(binding);
            }

            if (!binding.Members.Contains(member, StringComparer.Ordinal))
            {
                binding.Members.Add(member);
                changes.Add($"{role} for {member}");
            }
        }

        return changes;
    }

    private static List<string> RemoveMembers(IamPolicy policy, List<(string Role, string Member)> planned)
    {
        var changes = new List<string>();
        foreach (var (role, member) in planned)
        {
            foreach (var binding in policy.Bindings.Where(b => b.Role == role && b.Condition is null))
            {
                if (binding.Members.Remove(member))
                {
                    changes.Add($"{role} for {member}");
                }
            }
        }

        policy.Bindings.RemoveAll(b => b.Members.Count == 0);
        return changes;
    }
}
