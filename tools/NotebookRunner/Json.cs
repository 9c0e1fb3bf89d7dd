using System.Text.Encodings.Web;
using System.Text.Json;
namespace Tutorials.Runner;
static class Json
{
    // Relaxed escaping keeps the files readable ("·", "×", "'" as themselves); they are never embedded in HTML.
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
