using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

// Scaffolding for notebooks 00–04: the exercise checks every notebook calls, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// Checks for the notebooks' exercises: <c>Exercises.Check…(yourFunction)</c> runs the learner's code on small
/// inputs, compares it with a reference written from the formula, prints a verdict and returns it.
/// <para>
/// A check never throws: a stub that throws <see cref="NotImplementedException"/> (or returns null) reads as
/// "not done yet", any other exception becomes a "not right yet" verdict naming it, so the notebook always
/// continues. Inputs are tiny (a few rows, a few features) so a check costs well under a second, and they are
/// drawn with the random generator saved and restored around the check, so the notebook's own random stream is
/// not disturbed. One file per notebook: Exercises00.cs … Exercises04.cs.
/// </para>
/// </summary>
public static partial class Exercises
{
    /// <summary>Thrown by a check's body to stop with a "not right yet" verdict.</summary>
    sealed class WrongAnswer(string message) : Exception(message);

    /// <summary>Thrown when the learner's function returned null: the stub is still there.</summary>
    sealed class NotDoneYet(string message) : Exception(message);

    /// <summary>Runs a check body; turns every outcome (including exceptions) into a printed verdict.</summary>
    static ExerciseVerdict Judge(string exercise, Func<string> body)
    {
        ExerciseVerdict verdict;
        var saved = torch.Generator.Default.get_state();
        try
        {
            using var scope = torch.NewDisposeScope();
            verdict = new(exercise, ExerciseStatus.Right, body());
        }
        catch (NotImplementedException)
        {
            verdict = new(exercise, ExerciseStatus.NotDone, "Replace the `throw new NotImplementedException()` line with your code, run that cell, then this one.");
        }
        catch (NotDoneYet e) { verdict = new(exercise, ExerciseStatus.NotDone, e.Message); }
        catch (WrongAnswer e) { verdict = new(exercise, ExerciseStatus.Wrong, e.Message); }
        catch (Exception e)
        {
            verdict = new(exercise, ExerciseStatus.Wrong,
                $"Your code threw {e.GetType().Name}: {FirstLine(e.Message)} Read the message: it usually names the shape or the argument that is off.");
        }
        finally
        {
            torch.Generator.Default.set_state(saved);
            saved.Dispose();
        }
        Console.WriteLine(verdict);
        return verdict;
    }

    /// <summary>Seeds the global generator for the check's own inputs (the caller's state is restored by Judge).</summary>
    static void SeedForCheck(long seed) => torch.manual_seed(seed);

    static T NotNull<T>(T? value, string what) where T : class =>
        value ?? throw new NotDoneYet($"Your {what} returned null. Return the result instead.");

    /// <summary>Fails unless <paramref name="got"/> has <paramref name="expected"/>'s shape.</summary>
    static void ExpectShape(Tensor got, Tensor expected, string what, string? advice = null)
    {
        if (!got.shape.SequenceEqual(expected.shape))
            throw new WrongAnswer($"{what} has shape {Shape(got)}, expected {Shape(expected)}." + (advice is null ? "" : " " + advice));
    }

    /// <summary>
    /// Null when <paramref name="got"/> equals <paramref name="expected"/> within <paramref name="tolerance"/> (absolute,
    /// after a shape check); otherwise a sentence naming the first position that differs and both values.
    /// </summary>
    static string? Difference(Tensor got, Tensor expected, string what, double tolerance = 1e-4)
    {
        if (!got.shape.SequenceEqual(expected.shape)) return $"{what} has shape {Shape(got)}, expected {Shape(expected)}.";
        var g = got.detach().cpu().to_type(ScalarType.Float64);
        var e = expected.detach().cpu().to_type(ScalarType.Float64);
        if (g.isnan().any().item<bool>()) return $"{what} contains NaN at {Position(g.isnan(), got.shape)}.";
        var diff = (g - e).abs();
        if (diff.numel() == 0 || diff.max().item<double>() <= tolerance) return null;
        var at = Position(diff > tolerance, got.shape);
        var index = at.Length == 0 ? Array.Empty<long>() : at.Trim('[', ']').Split(", ").Select(long.Parse).ToArray();
        var ge = index.Length == 0 ? g.item<double>() : g[index.Select(i => TensorIndex.Single(i)).ToArray()].item<double>();
        var ee = index.Length == 0 ? e.item<double>() : e[index.Select(i => TensorIndex.Single(i)).ToArray()].item<double>();
        return $"{what}{(at.Length == 0 ? "" : " at " + at)}: {N(ge)}, expected {N(ee)}.";
    }

    /// <summary>True when two tensors have the same shape and values (used to recognise a typical mistake).</summary>
    static bool Same(Tensor got, Tensor candidate, double tolerance = 1e-4) => Difference(got, candidate, "", tolerance) is null;

    /// <summary>Same shape and bit-for-bit the same values.</summary>
    static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>The first index (row-major) where <paramref name="mask"/> is true, written like [2, 1].</summary>
    static string Position(Tensor mask, long[] shape)
    {
        if (shape.Length == 0) return "";
        long flat = mask.reshape(-1).nonzero()[0, 0].item<long>();
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { index[d] = flat % shape[d]; flat /= shape[d]; }
        return "[" + string.Join(", ", index) + "]";
    }

    static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    static string N(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    static string FirstLine(string s) => s.Split('\n')[0].TrimEnd() is var l && l.EndsWith('.') ? l : s.Split('\n')[0].TrimEnd() + ".";
}
