namespace VllmAspire.Hosting;

/// <summary>How a new annotation relates to existing ones of its type.</summary>
public enum ResourceAnnotationMutationBehavior
{
    /// <summary>Add it beside the others.</summary>
    Append,

    /// <summary>Remove the others first.</summary>
    Replace,
}
