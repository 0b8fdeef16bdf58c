namespace VideoGradCam.Study.Pipeline;

/// <summary>One number behind a claim's short value, as a row of the claim's own table in the report.</summary>
public sealed record ClaimDetail(string Measurement, string Value);
