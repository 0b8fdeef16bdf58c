using OpenCvSharp;
using VideoGradCam.Runtime;

namespace VideoGradCam.Video;

/// <summary>
/// The embedded default data set: short videos of a stick-figure actor, written as MJPG .avi files in the
/// class-per-folder layout, each with a JSON annotation and a PNG strip of per-frame evidence masks
/// (format in data/README.md). Properties, each checked by a test:
/// <list type="bullet">
/// <item>classes named after the study's HMDB51 classes (clap, wave, smile, drink, golf) plus a motion and its
/// exact time reversal (raise, lower): same colour, same positions, opposite order, so no single frame tells them
/// apart;</item>
/// <item>an actor's body and background clutter shared by every class, carrying no class evidence; the evidence is
/// a small coloured patch (per class: colour and motion) with a per-frame ground-truth mask;</item>
/// <item>the action only inside a random window of frames (idle elsewhere, no evidence drawn), with per-frame
/// relevance;</item>
/// <item>distractors: per-frame texture noise and a moving grey ball unrelated to the class.</item>
/// </list>
/// Deterministic by seed: clip i of class c depends only on (seed, c, i, sizes).
/// </summary>
public static class SyntheticActions
{
    public static readonly IReadOnlyList<string> ClassNames =
        ["clap", "wave", "smile", "drink", "golf", "raise", "lower"];

    /// <summary>Pairs of classes whose frames are the same motion in opposite time order.</summary>
    public static readonly IReadOnlyList<(string Forward, string Reversed)> TimeReversedPairs = [("raise", "lower")];

    /// <summary>The evidence colour of each class (BGR). The time-reversed pair shares one colour on purpose.</summary>
    public static readonly IReadOnlyDictionary<string, Scalar> EvidenceColours = new Dictionary<string, Scalar>
    {
        ["clap"] = new(0, 230, 255),    // yellow
        ["wave"] = new(255, 230, 0),    // cyan
        ["smile"] = new(230, 0, 230),   // magenta
        ["drink"] = new(255, 70, 0),    // blue
        ["golf"] = new(0, 200, 0),      // green
        ["raise"] = new(0, 130, 255),   // orange
        ["lower"] = new(0, 130, 255),   // orange
    };

    public const string ClassListFile = "classes.txt";
    public const string SettingsFile = "synthetic.json";

    public sealed record Summary(string Folder, int Written, int AlreadyPresent, TimeSpan Elapsed)
    {
        public double ClipsPerSecond => Written / Math.Max(Elapsed.TotalSeconds, 1e-9);
    }

    /// <summary>
    /// Writes the data set into <paramref name="outDir"/>: <c>classes.txt</c>, <c>synthetic.json</c>, and per clip
    /// <c>&lt;class&gt;/&lt;class&gt;_NNNN.{masks.png,json,avi}</c>, each written to a temp name then renamed, the
    /// video last: a clip exists (for every reader) once its video exists, and then its annotation and masks exist too.
    /// Clips already complete are kept (a stopped run resumes). <paramref name="onFrame"/> is called after each
    /// frame is encoded (class, clip, frame); cancelling <paramref name="cancel"/> stops between frames.
    /// </summary>
    public static Summary Generate(string outDir, SyntheticActionSettings settings, CancellationToken cancel = default,
        Action<string, int, int>? onFrame = null)
    {
        settings.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        RemoveStaleTempFiles(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, ClassListFile), string.Join("\n", settings.Classes) + "\n");
        AtomicFile.WriteAllText(Path.Combine(outDir, SettingsFile), System.Text.Json.JsonSerializer.Serialize(settings,
            JsonDefaults.Indented));
        // Progress counts only the clips still to write: a complete set (the usual case in notebooks) shows none.
        var missing = settings.Classes.SelectMany(
            (name, c) => Enumerable.Range(0, settings.ClipsPerClass).Select(i => (name, c, i)))
            .Where(x => !(File.Exists(VideoPath(outDir, x.name, x.i))
                && ClipAnnotation.ExistsFor(VideoPath(outDir, x.name, x.i))))
            .ToList();
        int written = 0, present = settings.Classes.Count * settings.ClipsPerClass - missing.Count;
        if (missing.Count == 0) return new Summary(outDir, written, present, clock.Elapsed);
        using var progress = new Progress("synth actions", missing.Count);
        foreach (var (name, c, i) in missing)
        {
            cancel.ThrowIfCancellationRequested();
            WriteClip(VideoPath(outDir, name, i), name, c, i, settings, cancel, onFrame);
            written++;
            progress.Advance($"{name} {i + 1}/{settings.ClipsPerClass}");
        }
        return new Summary(outDir, written, present, clock.Elapsed);
    }

    /// <summary>The default set of a profile, <c>data/generated/actions-&lt;profile&gt;</c>, generated when missing
    /// (or completed when a run was stopped); returns its folder. What notebooks and the study start from.</summary>
    public static string EnsureDefault(Profile profile)
    {
        var folder = Path.Combine(WorkspacePaths.GeneratedData(), $"actions-{profile.Name()}");
        Generate(folder, SyntheticActionSettings.For(profile));
        return folder;
    }

    public static string VideoPath(string outDir, string className, int index) =>
        Path.Combine(outDir, className, $"{className}_{index:0000}.avi");

    static void RemoveStaleTempFiles(string outDir)
    {
        foreach (var f in Directory.EnumerateFiles(outDir, ".*.tmp*", SearchOption.AllDirectories)) File.Delete(f);
    }

    /// <summary>The seed of clip <paramref name="index"/> of a class: depends on (settings seed, class, index)
    /// only.</summary>
    public static int ClipSeed(int seed, string className, int index) =>
        unchecked(seed * 1000003 + ClassNames.ToList().IndexOf(className) * 7919 + index * 104729 + 17);

    /// <summary>One clip in memory: BGR frames, the mask strip (8-bit, Size x Size*T, 255 = evidence), its
    /// annotation.</summary>
    public sealed record RenderedClip(IReadOnlyList<Mat> Frames, Mat MaskStrip, ClipAnnotation Annotation) : IDisposable
    {
        public void Dispose() { foreach (var f in Frames) f.Dispose(); MaskStrip.Dispose(); }
    }

    /// <summary>
    /// Draws one clip. Everything but the evidence (background, clutter, actor, distractor, window, noise) depends
    /// only on <paramref name="seed"/>, never on the class: two classes drawn with one seed differ only inside
    /// their evidence masks.
    /// </summary>
    public static RenderedClip Render(string className, int labelIndex, SyntheticActionSettings s, int seed,
        string stem = "clip")
    {
        if (!ClassNames.Contains(className)) throw new ArgumentException($"Unknown synthetic class '{className}'.");
        using var scene = new Scene(className, s.Size, s.Frames, seed, s.NoiseSigma);
        var frames = new List<Mat>();
        var strip = new Mat(s.Size, s.Size * s.Frames, MatType.CV_8UC1, Scalar.Black);
        var evidence = new Box[s.Frames][];
        var distractors = new Box[s.Frames];
        for (int t = 0; t < s.Frames; t++)
        {
            using var mask = new Mat(s.Size, s.Size, MatType.CV_8UC1, Scalar.Black);
            frames.Add(scene.Render(t, mask, out evidence[t], out distractors[t]));
            using var target = new Mat(strip, new Rect(t * s.Size, 0, s.Size, s.Size));
            mask.CopyTo(target);
        }
        var annotation = new ClipAnnotation
        {
            Label = className, LabelIndex = labelIndex, Video = stem + ".avi", Masks = stem + ".masks.png",
            Frames = s.Frames, Width = s.Size, Height = s.Size, FramesPerSecond = s.FramesPerSecond,
            Window = scene.Window, Relevant = Enumerable.Range(0, s.Frames).Select(scene.Window.Contains).ToArray(),
            EvidenceBoxes = evidence, DistractorBoxes = distractors, ActorBox = scene.ActorBox, Seed = seed,
        };
        return new RenderedClip(frames, strip, annotation);
    }

    /// <summary>One clip: masks strip, then annotation, then the video (each atomically).</summary>
    static void WriteClip(string videoPath, string className, int labelIndex, int clipIndex, SyntheticActionSettings s,
        CancellationToken cancel, Action<string, int, int>? onFrame)
    {
        var folder = Path.GetDirectoryName(videoPath)!;
        var stem = Path.GetFileNameWithoutExtension(videoPath);
        using var clip = Render(className, labelIndex, s, ClipSeed(s.Seed, className, clipIndex), stem);
        AtomicFile.Write(Path.Combine(folder, clip.Annotation.Masks), tmp =>
        {
            if (!Cv2.ImWrite(tmp, clip.MaskStrip)) throw new IOException(
                $"{tmp}: OpenCV could not write the mask strip.");
        });
        AtomicFile.WriteAllText(Path.ChangeExtension(videoPath, ".json"), clip.Annotation.ToJson());
        AtomicFile.Write(videoPath, tmp =>
        {
            using var writer = new VideoWriter(tmp, FourCC.MJPG, s.FramesPerSecond, new Size(s.Size, s.Size), true);
            if (!writer.IsOpened()) throw new IOException($"{tmp}: OpenCV could not open an MJPG video writer.");
            writer.Set(VideoWriterProperties.Quality, 100);
            for (int t = 0; t < clip.Frames.Count; t++)
            {
                cancel.ThrowIfCancellationRequested();
                writer.Write(clip.Frames[t]);
                onFrame?.Invoke(className, clipIndex, t);
            }
        });
    }

    /// <summary>One clip's fixed content (background, actor, distractor path, window) and its per-frame
    /// drawing.</summary>
    sealed class Scene : IDisposable
    {
        readonly string _class;
        readonly int _size, _frames;
        readonly double _u;                      // one unit = size / 64 pixels
        readonly Random _rng;
        readonly Mat _background;
        readonly double _actorX, _swayPhase, _noiseSigma;
        readonly Point2d _ballStart, _ballVelocity;
        readonly Scalar _ballColour, _actorColour = new(70, 90, 150);
        public FrameWindow Window { get; }
        public Box ActorBox { get; }

        public Scene(string className, int size, int frames, int seed, double noiseSigma)
        {
            _class = className; _size = size; _frames = frames; _u = size / 64.0; _noiseSigma = noiseSigma;
            _rng = new Random(seed);
            _background = new Mat(size, size, MatType.CV_8UC3, Grey(_rng.Next(90, 140)));
            for (int k = 0; k < 7; k++)      // muted clutter: rectangles and ellipses in greyish tones
            {
                var colour = Muted();
                var centre = new Point(_rng.Next(size), _rng.Next(size));
                var half = new Size(_rng.Next(3, 12) * _u, _rng.Next(3, 12) * _u);
                if (_rng.Next(2) == 0) Cv2.Rectangle(_background, new Rect(centre.X - half.Width,
                    centre.Y - half.Height, 2 * half.Width, 2 * half.Height), colour, -1);
                else Cv2.Ellipse(_background, centre, half, _rng.Next(180), 0, 360, colour, -1);
            }
            _actorX = size / 2.0 + (_rng.NextDouble() - 0.5) * 12 * _u;
            _swayPhase = _rng.NextDouble() * 2 * Math.PI;
            _ballStart = new Point2d(_rng.NextDouble() * size, _rng.NextDouble() * size);
            double angle = _rng.NextDouble() * 2 * Math.PI, speed = (1.5 + _rng.NextDouble() * 2) * _u;
            _ballVelocity = new Point2d(Math.Cos(angle) * speed, Math.Sin(angle) * speed);
            _ballColour = Grey(_rng.Next(190, 250));
            int length = _rng.Next((frames + 1) / 2, (3 * frames + 3) / 4 + 1);
            int start = _rng.Next(0, frames - length + 1);
            Window = new FrameWindow(start, start + length);
            ActorBox = Bound(new Rect((int)(_actorX - 9 * _u), (int)(18 * _u), (int)(18 * _u), (int)(44 * _u)));
        }

        public void Dispose() => _background.Dispose();

        static Scalar Grey(int v) => new(v, v, v);
        Scalar Muted() { int g = _rng.Next(60, 170);
            return new(g + _rng.Next(-15, 16), g + _rng.Next(-15, 16), g + _rng.Next(-15, 16)); }

        Box Bound(Rect r)
        {
            var c = r.Intersect(new Rect(0, 0, _size, _size));
            return new Box(c.X, c.Y, c.Width, c.Height);
        }

        Point P(double x, double y) => new((int)Math.Round(x), (int)Math.Round(y));

        /// <summary>Frame t (BGR); the evidence is drawn into <paramref name="mask"/> as well.</summary>
        public Mat Render(int t, Mat mask, out Box[] evidence, out Box distractor)
        {
            var f = _background.Clone();
            double u = _u, sway = Math.Sin(_swayPhase + t * 0.5) * u, x = _actorX + sway;
            // The actor's body: head, torso, arms, legs (same for every class, idle sway only).
            int thick = Math.Max(1, (int)Math.Round(2 * u));
            Cv2.Circle(f, P(x, 24 * u), (int)Math.Round(5 * u), _actorColour, -1);
            Cv2.Rectangle(f, new Rect(P(x - 5 * u, 30 * u), new Size(10 * u, 16 * u)), _actorColour, -1);
            Cv2.Line(f, P(x - 5 * u, 32 * u), P(x - 9 * u, 44 * u), _actorColour, thick);
            Cv2.Line(f, P(x + 5 * u, 32 * u), P(x + 9 * u, 44 * u), _actorColour, thick);
            Cv2.Line(f, P(x - 3 * u, 46 * u), P(x - 5 * u, 60 * u), _actorColour, thick);
            Cv2.Line(f, P(x + 3 * u, 46 * u), P(x + 5 * u, 60 * u), _actorColour, thick);

            // The moving distractor: a grey ball bouncing off the borders.
            var ball = new Point2d(Bounce(_ballStart.X + _ballVelocity.X * t, _size),
                Bounce(_ballStart.Y + _ballVelocity.Y * t, _size));
            int radius = (int)Math.Round(3.5 * u);
            Cv2.Circle(f, P(ball.X, ball.Y), radius, _ballColour, -1);
            distractor = Bound(new Rect(P(ball.X - radius, ball.Y - radius), new Size(2 * radius + 1, 2 * radius + 1)));

            // The class evidence, only inside the window.
            var boxes = new List<Box>();
            if (Window.Contains(t))
            {
                double p = Window.Length == 1 ? 0.5 : (t - Window.Start) / (double)(Window.Length - 1);   // phase 0..1
                // the body's rest position: sway is idle motion, not evidence
                foreach (var (cx, cy) in EvidenceCentres(p, _actorX))
                {
                    var r = SquareAt(cx, cy, _class == "smile" ? 0 : 3 * u);
                    if (_class == "smile")
                    {
                        // a mouth that widens into a smile: an ellipse on the face
                        var half = new Size(Math.Max(1, (1.5 + 2.5 * p) * u), Math.Max(1, 1.5 * u));
                        Cv2.Ellipse(f, P(cx, cy), half, 0, 0, 360, EvidenceColours[_class], -1);
                        Cv2.Ellipse(mask, P(cx, cy), half, 0, 0, 360, Scalar.White, -1);
                        r = new Rect((int)Math.Round(cx) - half.Width, (int)Math.Round(cy) - half.Height, 2 * half.Width
                            + 1, 2 * half.Height + 1);
                    }
                    else
                    {
                        Cv2.Rectangle(f, r, EvidenceColours[_class], -1);
                        Cv2.Rectangle(mask, r, Scalar.White, -1);
                    }
                    boxes.Add(Bound(r));
                }
            }
            evidence = boxes.Where(b => b.Width > 0 && b.Height > 0).ToArray();
            AddNoise(f);
            return f;
        }

        Rect SquareAt(double cx, double cy, double half)
        {
            int h = Math.Max(1, (int)Math.Round(half));
            return new Rect((int)Math.Round(cx) - h, (int)Math.Round(cy) - h, 2 * h, 2 * h);
        }

        /// <summary>Where the evidence patches are at phase p of the action (x = the actor's centre line).</summary>
        IEnumerable<(double X, double Y)> EvidenceCentres(double p, double x)
        {
            double u = _u;
            switch (_class)
            {
                case "clap":   // two hands meet in front of the chest, twice
                    double apart = 2.5 * u + 8 * u * (Math.Cos(2 * Math.PI * 2 * p) + 1) / 2;
                    yield return (x - apart, 36 * u);
                    yield return (x + apart, 36 * u);
                    break;
                case "wave":   // a hand above the shoulder, swinging left-right
                    yield return (x + 10 * u + 5 * u * Math.Sin(2 * Math.PI * 2 * p), 16 * u);
                    break;
                case "smile":  // the mouth, widening
                    yield return (x, 26.5 * u);
                    break;
                case "drink":  // a cup from the waist up to the mouth
                    yield return (x + 9 * u - 7 * u * p, 44 * u - 17 * u * p);
                    break;
                case "golf":   // a club head swinging along an arc below the body
                    double a = (-70 + 140 * p) * Math.PI / 180;
                    yield return (x + 14 * u * Math.Sin(a), 44 * u + 12 * u * Math.Cos(a));
                    break;
                case "raise":  // a hand moving from the hip to above the head ...
                    yield return (x - 13 * u, 50 * u - 36 * u * p);
                    break;
                case "lower":  // ... and its exact time reversal
                    yield return (x - 13 * u, 50 * u - 36 * u * (1 - p));
                    break;
                default: throw new ArgumentException($"Unknown synthetic class '{_class}'.");
            }
        }

        static double Bounce(double v, int size)
        {
            double period = 2.0 * (size - 1);
            double m = ((v % period) + period) % period;
            return m <= size - 1 ? m : period - m;
        }

        void AddNoise(Mat f)
        {
            if (_noiseSigma <= 0) return;
            var bytes = new byte[_size * _size * 3];
            System.Runtime.InteropServices.Marshal.Copy(f.Data, bytes, 0, bytes.Length);
            for (int i = 0; i < bytes.Length; i++)
            {
                // Box-Muller would be exact; the sum of three uniforms is close to Gaussian and cheap.
                double n = (_rng.NextDouble() + _rng.NextDouble() + _rng.NextDouble() - 1.5) * 2 * _noiseSigma;
                bytes[i] = (byte)Math.Clamp(bytes[i] + n, 0, 255);
            }
            System.Runtime.InteropServices.Marshal.Copy(bytes, 0, f.Data, bytes.Length);
        }
    }
}
