using VideoGradCam.Cam.Evaluation;

namespace VideoGradCam.Tests.Study;

/// <summary>Made-up Grad-CAM scores for the study's tests, every score named as the metrics name it.</summary>
static class TestScores
{
    public static MethodScores Of(double pointing, double energy, double temporalAuc, double gradientTemporalAuc,
        double deletion,
        double insertion, bool sanity, double sanityRho, double otherEnergy, double otherRho, double[][] importance) =>
        new("GradCam", "Global", new Dictionary<string, double>
        {
            [PointingGameMetric.Score.Name] = pointing,
            [EnergyInMaskMetric.Score.Name] = energy,
            [TemporalAucMetric.Score.Name] = temporalAuc,
            [TemporalAucMetric.GradientScore.Name] = gradientTemporalAuc,
            [DeletionInsertionMetric.Deletion.Name] = deletion,
            [DeletionInsertionMetric.Insertion.Name] = insertion,
            [SanityCheckMetric.Passed.Name] = sanity ? 1 : 0,
            [SanityCheckMetric.FinalSpearman.Name] = sanityRho,
            [OtherClassMetric.Energy.Name] = otherEnergy,
            [OtherClassMetric.Spearman.Name] = otherRho,
        }, importance);
}
