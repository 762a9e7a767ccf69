namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A parameter a verb needs has no value.</summary>
public sealed class MissingParameterValueException : InvalidOperationException
{
    /// <summary>Initializes the exception for a parameter.</summary>
    /// <param name="parameter">The parameter without a value.</param>
    public MissingParameterValueException(ParameterResource parameter)
        : base($"Parameter '{parameter.Name}' has no value: {parameter.HowToSet}.")
    {
        Parameter = parameter;
    }

    /// <summary>Gets the parameter without a value.</summary>
    public ParameterResource Parameter { get; }
}
