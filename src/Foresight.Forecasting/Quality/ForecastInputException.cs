namespace Foresight.Forecasting.Quality;

/// <summary>Thrown at the edge (before any model runs) when a history cannot be forecast; the message names the problem.</summary>
public sealed class ForecastInputException : ArgumentException
{
    /// <summary>Creates the exception with a message that names the bad input.</summary>
    public ForecastInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public ForecastInputException()
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ForecastInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
