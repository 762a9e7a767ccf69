using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Orchestration;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>The AppHost services the dashboard's API and pages read from and act through.</summary>
/// <param name="Notifications">Resource states.</param>
/// <param name="Logs">Console output of every resource.</param>
/// <param name="Orchestrator">Start, stop and restart.</param>
/// <param name="Stages">Provisioning stages reported to the dashboard.</param>
internal sealed record DashboardServices(
    ResourceNotificationService Notifications,
    ResourceLoggerService Logs,
    ApplicationOrchestrator Orchestrator,
    StageEventStore Stages);
