namespace VideoGradCam.Commands;

/// <summary>A failure as one line a user can act on: the exception's own message (which names the file or option),
/// without the native backtrace libtorch appends, and with the kind said for exceptions nobody anticipated.</summary>
public static class UserMessage
{
    /// <summary>Failures the library raises on purpose with a message for the user.</summary>
    public static bool IsUnexpected(Exception e) =>
        e is not (IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException
            or InvalidOperationException);

    public static string Of(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
        while (e is TypeInitializationException { InnerException: { } inner }) e = inner;
        var first = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? e.GetType().Name;
        // libtorch's c10::Error: "... (C++ backtrace follows)" or "Exception raised from ..." lines: keep the first
        // sentence.
        int cut = first.IndexOf("Exception raised from", StringComparison.Ordinal);
        if (cut > 0) first = first[..cut].TrimEnd();
        return e is UnauthorizedAccessException ? $"permission denied: {first}"
             : IsUnexpected(e) ? $"failed ({e.GetType().Name}): {first}" : first;
    }
}
