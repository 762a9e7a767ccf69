using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>Builds the stages of a published app; <see cref="DeploymentGraph.Build"/> unless a test registers another.</summary>
/// <param name="app">The published app.</param>
/// <param name="services">The deployment's services.</param>
/// <returns>The stages, in any order; the runner orders them.</returns>
internal delegate IReadOnlyList<IProvisioningStage> StageComposer(PublishedApp app, IServiceProvider services);
