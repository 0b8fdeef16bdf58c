namespace VideoGradCam.Odometry.Geometry;

/// <summary>Rigid transforms as 4x4 doubles, in the SfMLearner convention (pose vector [tx,ty,tz,rx,ry,rz], R =
/// Rx·Ry·Rz).</summary>
public static class PoseMath
{
    /// <summary>The names of a pose vector's components, in order.</summary>
    public static readonly IReadOnlyList<string> DofNames = ["tx", "ty", "tz", "rx", "ry", "rz"];

    public static double[,] Identity() { var m = new double[4, 4]; for (int i = 0; i < 4; i++) m[i, i] = 1; return m; }

    /// <summary>6-vector -> 4x4 [R | t].</summary>
    public static double[,] FromVector(IReadOnlyList<double> v)
    {
        double ca = Math.Cos(v[3]), sa = Math.Sin(v[3]), cb = Math.Cos(v[4]), sb = Math.Sin(v[4]), cc = Math.Cos(v[5]),
            sc = Math.Sin(v[5]);
        double[,] rx = { { 1, 0, 0 }, { 0, ca, -sa }, { 0, sa, ca } };
        double[,] ry = { { cb, 0, sb }, { 0, 1, 0 }, { -sb, 0, cb } };
        double[,] rz = { { cc, -sc, 0 }, { sc, cc, 0 }, { 0, 0, 1 } };
        var r = Mul3(Mul3(rx, ry), rz);
        var m = Identity();
        for (int i = 0; i < 3; i++) { for (int j = 0; j < 3; j++) m[i, j] = r[i, j]; m[i, 3] = v[i]; }
        return m;
    }

    /// <summary>4x4 -> 6-vector (inverse of <see cref="FromVector"/> for |ry| &lt; 90°).</summary>
    public static double[] ToVector(double[,] m) =>
    [
        m[0, 3], m[1, 3], m[2, 3],
        Math.Atan2(-m[1, 2], m[2, 2]), Math.Asin(Math.Clamp(m[0, 2], -1, 1)), Math.Atan2(-m[0, 1], m[0, 0]),
    ];

    static double[,] Mul3(double[,] a, double[,] b)
    {
        var c = new double[3, 3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) c[i, j] +=
            a[i, k] * b[k, j];
        return c;
    }

    public static double[,] Mul(double[,] a, double[,] b)
    {
        var c = new double[4, 4];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 4; k++) c[i, j] +=
            a[i, k] * b[k, j];
        return c;
    }

    /// <summary>Inverse of a rigid transform: [Rᵀ | -Rᵀt].</summary>
    public static double[,] Inverse(double[,] m)
    {
        var r = Identity();
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) r[i, j] = m[j, i];
        for (int i = 0; i < 3; i++) r[i, 3] = -(r[i, 0] * m[0, 3] + r[i, 1] * m[1, 3] + r[i, 2] * m[2, 3]);
        return r;
    }

    public static double[,] Power(double[,] step, int n)
    {
        var m = Identity();
        for (int i = 0; i < n; i++) m = Mul(m, step);
        return m;
    }

    /// <summary>Pose <paramref name="to"/> in the frame of pose <paramref name="from"/>, as a 6-vector:
    /// inv(from)·to.</summary>
    public static double[] RelativeVector(double[,] from, double[,] to) => ToVector(Mul(Inverse(from), to));

    /// <summary>Each pose expressed in the first pose's frame: inv(P0)·Pj.</summary>
    public static double[][,] RelativeToFirst(IReadOnlyList<double[,]> poses)
    {
        var inv0 = Inverse(poses[0]);
        return poses.Select(p => Mul(inv0, p)).ToArray();
    }

    /// <summary>
    /// Camera poses of a snippet, in frame order, from the network's target -> reference transforms (rows of [N,6],
    /// references ordered t-k..t-1, t+1..t+k): reference camera i sits at inv(M_i) in the target's frame.
    /// Returned relative to the snippet's first frame.
    /// </summary>
    public static double[][,] SnippetPosesFromNetwork(double[][] targetToReference)
    {
        int n = targetToReference.Length, k = n / 2;
        var poses = new List<double[,]>();
        for (int i = 0; i < k; i++) poses.Add(Inverse(FromVector(targetToReference[i])));
        poses.Add(Identity());
        for (int i = k; i < n; i++) poses.Add(Inverse(FromVector(targetToReference[i])));
        return RelativeToFirst(poses);
    }
}
