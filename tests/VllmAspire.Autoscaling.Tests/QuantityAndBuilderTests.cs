using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Autoscaling;

namespace VllmAspire.Autoscaling.Tests;

public sealed class QuantityAndBuilderTests
{
    [Theory]
    [InlineData("2", 2000)]
    [InlineData("1500m", 1500)]
    [InlineData("33m", 33)]
    [InlineData("2k", 2_000_000)]
    [InlineData("1Ki", 1_024_000)]
    [InlineData("1e3", 1_000_000)]
    [InlineData("1E3", 1_000_000)]
    [InlineData("0.0005", 1)] // MilliValue rounds up
    [InlineData("-250m", -250)]
    [InlineData("1500u", 2)] // 1.5 milli rounds up to 2
    public void Quantities_parse_to_milli_rounding_up(string text, long expected)
    {
        Assert.True(MilliQuantity.TryParse(text, out var milli));
        Assert.Equal(expected, milli);
    }

    [Theory]
    [InlineData("")]
    [InlineData("NaN")]
    [InlineData("1.5x")]
    [InlineData("m")]
    public void Non_quantities_are_rejected(string text) => Assert.False(MilliQuantity.TryParse(text, out _));

    [Fact]
    public void Behavior_is_validated_and_kept_on_the_annotation()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var resource = builder.AddVllm("worker").WithAutoscaling(1, 4, averageValue: 2);

        var noAutoscaling = builder.AddVllm("other");
        Assert.Contains("call WithAutoscaling before WithAutoscalingBehavior",
            Assert.Throws<DistributedApplicationException>(() => noAutoscaling.WithAutoscalingBehavior(new HpaBehavior())).Message);

        var badWindow = new HpaBehavior(ScaleDown: new HpaScalingRules(StabilizationWindowSeconds: 4000));
        Assert.Contains("scaleDown.stabilizationWindowSeconds must be 0..3600, not 4000",
            Assert.Throws<DistributedApplicationException>(() => resource.WithAutoscalingBehavior(badWindow)).Message);

        var badPolicy = new HpaBehavior(ScaleUp: new HpaScalingRules(Policies: [new(HpaPolicyType.Pods, 0, 15)]));
        Assert.Contains("scaleUp policy Pods needs value > 0",
            Assert.Throws<DistributedApplicationException>(() => resource.WithAutoscalingBehavior(badPolicy)).Message);

        var behavior = new HpaBehavior(ScaleDown: new HpaScalingRules(StabilizationWindowSeconds: 60));
        resource.WithAutoscalingBehavior(behavior);
        var annotation = Assert.Single(resource.Resource.Annotations.OfType<AutoscalingAnnotation>());
        Assert.Equal(behavior, annotation.Behavior);
        Assert.Equal((1, 4, 2.0), (annotation.MinReplicas, annotation.MaxReplicas, annotation.AverageValue));
    }
}
