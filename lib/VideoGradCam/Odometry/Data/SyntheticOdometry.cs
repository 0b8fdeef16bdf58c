using System.Globalization;
using System.Text;
using OpenCvSharp;
using VideoGradCam.Runtime;

namespace VideoGradCam.Odometry.Data;

/// <summary>
/// Synthetic odometry sequences: a textured world (ground plane, walls, boxes) seen by a pinhole camera driving a
/// smooth trajectory with turns, ray cast per pixel. Writes the KITTI odometry layout (image_2, calib.txt with P2,
/// poses/NN.txt) plus ground-truth depth (<c>sequences/NN/depth/*.png</c>, 16-bit, metres·256, 0 = sky).
/// Deterministic by seed. Camera axes as KITTI: x right, y down, z forward; the first frame is the world.
/// </summary>
public static class SyntheticOdometry
{
    /// <summary>
    /// What to render. The drive: <paramref name="StepMetres"/> forward per frame on average, varying by
    /// ±<paramref name="SpeedRange"/> of it over cycles stretched by <paramref name="SpeedPeriod"/> (1: stop and go
    /// within 6-24 frames; 4: speed changes over 24-96 frames, nearly constant within a 5-frame snippet); turns with a
    /// yaw rate scaled by <paramref name="Turns"/> (1: up to about 0.09 rad a frame); a sideways sway along the
    /// camera's own x axis of up to <paramref name="Sway"/> of the step (0: the camera moves along its heading, as a
    /// car's does).
    /// <para>The default is a winding road: a car (no sway) that turns hard and often (turns x2) and changes speed
    /// slowly (±50%). A constant-velocity guess misses the turns, which a PoseNet can see. <see cref="StopAndGo"/> is
    /// the other kind: sway, stop and go, gentler turns.</para>
    /// </summary>
    public sealed record Options(int Sequences = 3, int Frames = 120, int Width = 128, int Height = 40,
        int Seed = Seeds.Default,
        double StepMetres = 0.4, double CameraHeight = 1.6, double SpeedRange = 0.5, double Turns = 2.0,
            double Sway = 0,
        double SpeedPeriod = 4);

    /// <summary>A stop-and-go drive with sway: speed ±85% within 6-24 frames, turns x1, sway 0.35 of the
    /// step.</summary>
    public static Options StopAndGo(Options o) =>
        o with { SpeedRange = 0.85, Turns = 1.0, Sway = 0.35, SpeedPeriod = 1 };

    /// <summary>Sizes per profile: quick is tiny (trains in minutes on 2 cores), full is larger.</summary>
    public static Options ForProfile(Profile p) => p == Profile.Full
        ? new Options(Sequences: 6, Frames: 400, Width: 208, Height: 64)
        : new Options(Sequences: 3, Frames: 80, Width: 128, Height: 40);

    /// <summary>A point in world coordinates (metres; camera axes of the first frame).</summary>
    readonly record struct Point3(double X, double Y, double Z);

    /// <summary>A colour, each channel in [0,1].</summary>
    readonly record struct Rgb(double R, double G, double B);

    /// <summary>An axis-aligned box from its <paramref name="Min"/> to its <paramref name="Max"/> corner, with its
    /// base colour and texture (0: noise, 1: checkerboard, 2: stripes).</summary>
    sealed record Box(Point3 Min, Point3 Max, Rgb Colour, int Pattern);

    /// <summary>Renders and writes every sequence under <paramref name="outDir"/>; returns the sequence
    /// names.</summary>
    public static IReadOnlyList<string> Write(string outDir, Options o)
    {
        if (o.Frames < 5) throw new ArgumentException(
            $"A synthetic sequence needs at least 5 frames (got {o.Frames}).");
        var names = new List<string>();
        using var progress = new Progress("synth odometry", o.Sequences * o.Frames);
        for (int s = 0; s < o.Sequences; s++)
        {
            var name = s.ToString("00", CultureInfo.InvariantCulture);
            names.Add(name);
            var rng = new Random(StableSeed(o.Seed, s, 0x5f3));
            var poses = Trajectory(o, rng);
            var boxes = World(poses, rng);
            var seqDir = Path.Combine(outDir, "sequences", name);
            Directory.CreateDirectory(Path.Combine(seqDir, "image_2"));
            Directory.CreateDirectory(Path.Combine(seqDir, "depth"));
            double f = 0.55 * o.Width, cx = (o.Width - 1) / 2.0, cy = (o.Height - 1) / 2.0;
            var p = string.Join(' ', new[] { f, 0, cx, 0, 0, f, cy, 0, 0, 0, 1, 0 }.Select(Num));
            var calib = new StringBuilder();
            for (int c = 0; c < 4; c++) calib.Append($"P{c}: {p}\n");
            AtomicFile.WriteAllText(Path.Combine(seqDir, "calib.txt"), calib.ToString());
            var poseLines = new StringBuilder();
            var seed = StableSeed(o.Seed, s, 0);
            for (int i = 0; i < o.Frames; i++)
            {
                var (rgb, depth) = Render(poses[i], boxes, o, f, cx, cy, seed);
                var file = i.ToString("000000", CultureInfo.InvariantCulture) + ".png";
                using (var img = Mat.FromPixelData(o.Height, o.Width, MatType.CV_8UC3, rgb))
                    AtomicFile.Write(Path.Combine(seqDir, "image_2", file), tmp => Cv2.ImWrite(tmp, img));
                using (var dep = Mat.FromPixelData(o.Height, o.Width, MatType.CV_16UC1, depth))
                    AtomicFile.Write(Path.Combine(seqDir, "depth", file), tmp => Cv2.ImWrite(tmp, dep));
                var (x, z, yaw) = poses[i];
                double c = Math.Cos(yaw), sn = Math.Sin(yaw);
                poseLines.Append(string.Join(' ', new[] { c, 0, sn, x, 0, 1, 0, 0, -sn, 0, c, z }.Select(Num)))
                    .Append('\n');
                progress.Advance($"sequence {name}");
            }
            AtomicFile.WriteAllText(Path.Combine(outDir, "poses", name + ".txt"), poseLines.ToString());
        }
        return names;
    }

    /// <summary>A seed from (seed, sequence, salt) that is the same in every process (HashCode.Combine is randomised
    /// per process, so it would render another world on every run).</summary>
    public static int StableSeed(int seed, int sequence, int salt) =>
        unchecked((int)((uint)seed * 2654435761u ^ (uint)sequence * 40503u ^ (uint)salt * 2246822519u) & 0x7fffffff);

    static string Num(double v) => v.ToString("0.000000e+00", CultureInfo.InvariantCulture);

    /// <summary>
    /// Camera positions (x,z) and yaw per frame, a drive that a constant motion cannot follow: speed between
    /// 1 ± SpeedRange steps per frame (a sum of two sines whose periods SpeedPeriod stretches), turns (yaw rate a sum
    /// of a slow and a fast sine) and a sideways sway (the camera slides along its own x axis, like a handheld or drone
    /// camera).
    /// </summary>
    static (double X, double Z, double Yaw)[] Trajectory(Options o, Random rng)
    {
        double Phase() => rng.NextDouble() * 2 * Math.PI;
        double a1 = o.Turns * (0.03 + 0.03 * rng.NextDouble()), a2 = o.Turns * (0.01 + 0.02 * rng.NextDouble());
        double p1 = 30 + 30 * rng.NextDouble(), p2 = 9 + 8 * rng.NextDouble(), f1 = Phase(), f2 = Phase();
        double ps1 = o.SpeedPeriod * (14 + 10 * rng.NextDouble()), ps2 = o.SpeedPeriod * (6 + 4 * rng.NextDouble()),
            fs1 = Phase(), fs2 = Phase();
        double pl = 10 + 10 * rng.NextDouble(), fl = Phase();
        var poses = new (double, double, double)[o.Frames];
        double x = 0, z = 0, yaw = 0;
        for (int i = 0; i < o.Frames; i++)
        {
            poses[i] = (x, z, yaw);
            // in [0,1]
            double go = 0.5 + 0.35 * Math.Sin(2 * Math.PI * i / ps1 + fs1)
                + 0.15 * Math.Sin(2 * Math.PI * i / ps2 + fs2);
            double forward = o.StepMetres * (1 + o.SpeedRange * (2 * go - 1));
            double sideways = o.StepMetres * o.Sway * Math.Sin(2 * Math.PI * i / pl + fl);
            yaw += a1 * Math.Sin(2 * Math.PI * i / p1 + f1) + a2 * Math.Sin(2 * Math.PI * i / p2 + f2);
            x += forward * Math.Sin(yaw) + sideways * Math.Cos(yaw);
            z += forward * Math.Cos(yaw) - sideways * Math.Sin(yaw);
        }
        return poses;
    }

    /// <summary>Boxes and wall segments beside the path, never on it. y is down: the ground is y = camera
    /// height.</summary>
    static List<Box> World((double X, double Z, double Yaw)[] path, Random rng)
    {
        var boxes = new List<Box>();
        const double ground = 1.6;
        for (int i = 0; i < path.Length; i += 3)
        {
            foreach (var side in new[] { -1.0, 1.0 })
            {
                if (rng.NextDouble() < 0.35) continue;
                var (px, pz, yaw) = path[i];
                bool wall = rng.NextDouble() < 0.3;
                double lateral = wall ? 7 + 2 * rng.NextDouble() : 3 + 4 * rng.NextDouble();
                double cx = px + side * lateral * Math.Cos(yaw) + (rng.NextDouble() - 0.5) * 2;
                double cz = pz - side * lateral * Math.Sin(yaw) + (rng.NextDouble() - 0.5) * 2;
                double hx = wall ? 0.3 + 2.5 * rng.NextDouble() : 0.4 + 0.8 * rng.NextDouble();
                double hz = wall ? 0.3 + 2.5 * rng.NextDouble() : 0.4 + 0.8 * rng.NextDouble();
                double height = wall ? 3 + 3 * rng.NextDouble() : 0.6 + 2.5 * rng.NextDouble();
                double clearance = Math.Max(hx, hz) + 1.2;
                if (path.Any(q => Math.Abs(q.X - cx) < clearance && Math.Abs(q.Z - cz) < clearance)) continue;
                boxes.Add(new Box(new Point3(cx - hx, ground - height, cz - hz), new Point3(cx + hx, ground, cz + hz),
                    new Rgb(0.3 + 0.7 * rng.NextDouble(), 0.3 + 0.7 * rng.NextDouble(), 0.3 + 0.7 * rng.NextDouble()),
                    rng.Next(3)));
            }
        }
        return boxes;
    }

    /// <summary>One frame: BGR bytes [H,W,3] and depth (metres·256, 16-bit; 0 where the ray sees the sky).</summary>
    static (byte[] Bgr, ushort[] Depth) Render((double X, double Z, double Yaw) pose, List<Box> boxes, Options o,
        double f, double cx, double cy, int seed)
    {
        var bgr = new byte[o.Width * o.Height * 3];
        var depth = new ushort[o.Width * o.Height];
        double c = Math.Cos(pose.Yaw), s = Math.Sin(pose.Yaw);
        var near = boxes.Where(b => Math.Abs((b.Min.X + b.Max.X) / 2 - pose.X) < 60
            && Math.Abs((b.Min.Z + b.Max.Z) / 2 - pose.Z) < 60).ToList();
        for (int v = 0; v < o.Height; v++)
        for (int u = 0; u < o.Width; u++)
        {
            // ray with camera-z = 1, so the hit parameter t is the depth
            double rx = (u - cx) / f, ry = (v - cy) / f;
            double dx = c * rx + s, dy = ry, dz = -s * rx + c;
            double best = double.PositiveInfinity; double r = 0, g = 0, b = 0;
            if (dy > 1e-6)
            {
                double t = o.CameraHeight / dy;
                if (t < 80)
                {
                    best = t;
                    double wx = pose.X + t * dx, wz = pose.Z + t * dz;
                    double n = Noise(wx * 1.3, wz * 1.3, seed) * 0.6 + Noise(wx * 5, wz * 5, seed + 1) * 0.4;
                    r = 0.35 + 0.35 * n; g = 0.3 + 0.3 * n; b = 0.25 + 0.2 * n;
                }
            }
            foreach (var box in near)
            {
                if (!Hit(box, pose.X, 0, pose.Z, dx, dy, dz, out var t, out int axis) || t >= best) continue;
                best = t;
                double wx = pose.X + t * dx, wy = t * dy, wz = pose.Z + t * dz;
                double a1 = axis == 0 ? wz : wx, a2 = axis == 1 ? wz : wy;
                double n = box.Pattern switch
                {
                    0 => Noise(a1 * 3, a2 * 3, seed + 2),
                    1 => ((int)Math.Floor(a1 * 2) + (int)Math.Floor(a2 * 2)) % 2 == 0 ? 0.9 : 0.3,
                    _ => 0.5 + 0.5 * Math.Sin(a1 * 6 + a2 * 2),
                };
                double shade = axis == 0 ? 0.85 : axis == 2 ? 1.0 : 0.7;
                r = box.Colour.R * shade * (0.5 + 0.5 * n); g = box.Colour.G * shade * (0.5 + 0.5 * n);
                    b = box.Colour.B * shade * (0.5 + 0.5 * n);
            }
            if (double.IsPositiveInfinity(best))
            {
                double sky = Math.Clamp(0.9 - 0.5 * (v / (double)o.Height), 0, 1);
                r = 0.55 * sky; g = 0.7 * sky; b = sky;
            }
            else depth[v * o.Width + u] = (ushort)Math.Clamp(best * 256, 1, 65535);
            int p = (v * o.Width + u) * 3;
            bgr[p] = ToByte(b); bgr[p + 1] = ToByte(g); bgr[p + 2] = ToByte(r);
        }
        return (bgr, depth);
    }

    static byte ToByte(double x) => (byte)Math.Clamp(Math.Round(x * 255), 0, 255);

    /// <summary>Ray/box slab test from origin o along d; the nearest positive t and the axis of the face hit.</summary>
    static bool Hit(Box b, double ox, double oy, double oz, double dx, double dy, double dz, out double t, out int axis)
    {
        double tmin = 1e-4, tmax = double.PositiveInfinity; axis = -1; t = 0;
        if (!Slab(ox, dx, b.Min.X, b.Max.X, 0, ref tmin, ref tmax, ref axis)) return false;
        if (!Slab(oy, dy, b.Min.Y, b.Max.Y, 1, ref tmin, ref tmax, ref axis)) return false;
        if (!Slab(oz, dz, b.Min.Z, b.Max.Z, 2, ref tmin, ref tmax, ref axis)) return false;
        t = tmin;
        return axis >= 0;
    }

    static bool Slab(double o, double d, double lo, double hi, int ax, ref double tmin, ref double tmax, ref int axis)
    {
        if (Math.Abs(d) < 1e-12) return o >= lo && o <= hi;
        double t0 = (lo - o) / d, t1 = (hi - o) / d;
        if (t0 > t1) (t0, t1) = (t1, t0);
        if (t0 > tmin) { tmin = t0; axis = ax; }
        tmax = Math.Min(tmax, t1);
        return tmin <= tmax;
    }

    /// <summary>Smooth value noise in [0,1] (bilinear between hashed lattice values).</summary>
    static double Noise(double x, double y, int seed)
    {
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y);
        double fx = x - ix, fy = y - iy;
        fx = fx * fx * (3 - 2 * fx); fy = fy * fy * (3 - 2 * fy);
        double a = Lattice(ix, iy, seed), b = Lattice(ix + 1, iy, seed), c = Lattice(ix, iy + 1, seed),
            d = Lattice(ix + 1, iy + 1, seed);
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }

    static double Lattice(int x, int y, int seed)
    {
        uint h = (uint)(x * 374761393 + y * 668265263 + seed * 144665);
        h = (h ^ (h >> 13)) * 1274126177u;
        h ^= h >> 16;
        return (h & 0xffffff) / (double)0x1000000;
    }
}
