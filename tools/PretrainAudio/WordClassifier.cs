using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Audio;
using static TorchSharp.torch;
using Tutorials.Backbones;

namespace Tutorials.PretrainAudio;

/// <summary>
/// The pretraining model: the <see cref="AudioEncoder"/> plus a dropout + linear head over the pretraining words.
/// Only the encoder is saved; the head exists to give the encoder something to learn from.
/// </summary>
sealed class WordClassifier : nn.Module<Tensor, Tensor>
{
    readonly AudioEncoder encoder;
    readonly Dropout dropout;
    readonly Linear head;

    public WordClassifier(AudioEncoder encoder, int classes) : base(nameof(WordClassifier))
    {
        this.encoder = encoder;
        dropout = nn.Dropout(0.3);
        head = nn.Linear(encoder.EmbeddingSize, classes);
        RegisterComponents();
    }

    /// <summary>Log-mel spectrograms [batch, 40, frames] → class scores [batch, classes].</summary>
    public override Tensor forward(Tensor logMel) => head.forward(dropout.forward(encoder.FeaturesFromLogMel(logMel)));
}
