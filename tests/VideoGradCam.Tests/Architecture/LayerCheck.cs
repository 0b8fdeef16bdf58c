using System.Reflection;
using System.Reflection.Emit;

namespace VideoGradCam.Tests.Architecture;

/// <summary>
/// Which folders (namespaces) of an assembly use which, read from the compiled code: every type's base type,
/// interfaces, fields, properties, method signatures, and every type, method and field its method bodies name
/// (the IL's tokens), compiler-generated lambdas and closures included. A layer may use itself and the layers listed
/// before it, never one after it.
/// </summary>
public static class LayerCheck
{
    /// <summary>One upward use: <paramref name="From"/> (a type of a lower layer) names
    /// <paramref name="To"/>.</summary>
    public sealed record Violation(string FromLayer, string ToLayer, string From, string To)
    {
        public override string ToString() => $"{FromLayer} -> {ToLayer}: {From} uses {To}";
    }

    /// <param name="root">the namespace the layers sit under, e.g. "VideoGradCam".</param>
    /// <param name="layers">from the bottom up; each entry may group siblings ("Training|Odometry") that must not
    /// use each other either. A layer may be a sub-namespace of another ("Study.Pipeline" above "Study").</param>
    public static IReadOnlyList<Violation> Upward(Assembly assembly, string root, IReadOnlyList<string> layers)
    {
        var rank = new Dictionary<string, int>();
        for (int i = 0; i < layers.Count; i++)
            foreach (var name in layers[i].Split('|')) rank[name] = i;

        string? LayerOf(Type? t)
        {
            while (t?.DeclaringType is not null) t = t.DeclaringType;
            var ns = t?.Namespace;
            if (ns is null || !(ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal))) return null;
            // The longest layer name the namespace starts with: "Study.Pipeline" before "Study".
            var rest = ns.Length > root.Length ? ns[(root.Length + 1)..] : "";
            return rank.Keys.Where(l => rest == l || rest.StartsWith(l + ".", StringComparison.Ordinal))
                .MaxBy(l => l.Length);
        }

        var violations = new HashSet<Violation>();
        foreach (var type in assembly.GetTypes())
        {
            var from = LayerOf(type);
            if (from is null) continue;
            foreach (var used in Uses(type))
            {
                // Other assemblies (packages, the Grad-CAM core) sit below every folder.
                if (used.Assembly != assembly) continue;
                var to = LayerOf(used);
                if (to is null || to == from) continue;
                if (rank[to] >= rank[from])
                    violations.Add(new Violation(from, to, Outer(type).FullName!, Outer(used).FullName!));
            }
        }
        return violations.OrderBy(v => v.ToString(), StringComparer.Ordinal).ToList();
    }

    static Type Outer(Type t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t.IsGenericType && !t.IsGenericTypeDefinition ? t.GetGenericTypeDefinition() : t;
    }

    const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static
        | BindingFlags.DeclaredOnly;

    /// <summary>Every type <paramref name="type"/> names, generic arguments unfolded.</summary>
    static IEnumerable<Type> Uses(Type type)
    {
        var named = new List<Type?> { type.BaseType };
        named.AddRange(type.GetInterfaces());
        named.AddRange(type.GetFields(All).Select(f => f.FieldType));
        named.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m is MethodInfo mi) named.Add(mi.ReturnType);
            named.AddRange(m.GetParameters().Select(p => p.ParameterType));
            named.AddRange(BodyUses(m));
        }
        return named.Where(t => t is not null).SelectMany(t => Unfold(t!)).Distinct();
    }

    static IEnumerable<Type> Unfold(Type t)
    {
        if (t.HasElementType) { foreach (var e in Unfold(t.GetElementType()!)) yield return e; yield break; }
        if (t.IsGenericParameter) yield break;
        yield return t;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments()) foreach (var u in Unfold(a)) yield return u;
    }

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types, methods' declaring types and fields' types a method body refers to.</summary>
    static IEnumerable<Type> BodyUses(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE && i + 1 < il.Length ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += value > 0xFF || value < 0 ? 2 : 1;
            if (!OpCodesByValue.TryGetValue(value, out var op)) break;
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType
                    or OperandType.InlineTok:
                    int token = BitConverter.ToInt32(il, i);
                    MemberInfo? member = null;
                    try { member = module.ResolveMember(token, typeArgs, methodArgs); }
                    catch (ArgumentException) { }
                    catch (TypeLoadException) { }
                    switch (member)
                    {
                        case Type t: yield return t; break;
                        case FieldInfo f: yield return f.DeclaringType!; yield return f.FieldType; break;
                        case MethodBase m:
                            yield return m.DeclaringType!;
                            if (m is MethodInfo mi) yield return mi.ReturnType;
                            foreach (var p in m.GetParameters()) yield return p.ParameterType;
                            break;
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1;
                    break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                default: i += 4; break;
            }
        }
    }
}
