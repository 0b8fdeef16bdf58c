namespace VideoGradCam.Odometry.Models;

/// <summary>
/// The weights of SfMLearner's three losses (the port's defaults: photometric 1, explainability 0, smoothness 0.1) and
/// the pixels the photometric term averages over. <paramref name="OverValidPixels"/> (the default): each reference's
/// error is averaged over the pixels whose projection lands inside it, as SC-SfMLearner and Monodepth2 do; false: the
/// port's mean over all pixels, where a projection out of view counts as zero error.
/// <paramref name="CommonValidPixels"/> (with <paramref name="OverValidPixels"/>): every reference is averaged over the
/// same pixels, those that project inside all the references. A valid-pixel mean with no valid pixel is 0: a pose that
/// moves a reference (with the common set, any reference) out of view zeroes that sample's photometric term.
/// </summary>
public sealed record LossWeights(double Photometric = 1, double Explainability = 0, double Smoothness = 0.1,
    bool OverValidPixels = true, bool CommonValidPixels = false)
{
    /// <summary>The port's loss exactly: weights 1 / 0 / 0.1, photometric mean over all pixels.</summary>
    public static readonly LossWeights Port = new(OverValidPixels: false);
}
