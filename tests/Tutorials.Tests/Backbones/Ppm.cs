using Tutorials.Data;

namespace Tutorials.Tests.Backbones;

/// <summary>The committed test photos (binary PPM), read with the library's reader.</summary>
static class Ppm
{
    public static readonly IReadOnlyList<string> PhotoNames = SyntheticRgbdTextures.PhotoNames;

    public static RgbImage Photo(string name) => PpmFile.Read(RepoFiles.Path($"data/photos/{name}.ppm"), name);
}
