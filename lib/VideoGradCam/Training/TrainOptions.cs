namespace VideoGradCam.Training;

/// <summary>
/// How to train. Two presets: <see cref="Study"/> is the study's recipe (Adam, lr 3e-5, ReduceLROnPlateau factor 0.5
/// patience 5: right for fine-tuning pretrained weights); <see cref="QuickCpu"/> trains small models from scratch on
/// 2 CPU cores within minutes (lr 1e-3; at 3e-5 a randomly initialised model barely moves in a few epochs).
/// </summary>
/// <param name="Epochs">epochs to run (in total: a resumed run continues up to this number).</param>
/// <param name="LearningRate">Adam's initial learning rate.</param>
/// <param name="WeightDecay">Adam's L2 penalty.</param>
/// <param name="PlateauFactor">ReduceLROnPlateau: the learning rate is multiplied by this ...</param>
/// <param name="PlateauPatience">... after this many epochs without a better validation loss.</param>
/// <param name="MinLearningRate">ReduceLROnPlateau's floor.</param>
/// <param name="Seed">seeds weights and every epoch (a resumed run repeats the same epochs).</param>
public sealed record TrainOptions(
    int Epochs,
    double LearningRate,
    double WeightDecay = 0,
    double PlateauFactor = 0.5,
    int PlateauPatience = 5,
    double MinLearningRate = 0,
    int Seed = Runtime.Seeds.Default)
{
    /// <summary>The study's recipe: Adam lr 3e-5, ReduceLROnPlateau(factor 0.5, patience 5).</summary>
    public static TrainOptions Study(int epochs) => new(epochs, 3e-5);

    /// <summary>Small models from scratch on a CPU: Adam lr 1e-3, same schedule.</summary>
    public static TrainOptions QuickCpu(int epochs) => new(epochs, 1e-3);
}
