using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tutorials.Evaluation;
using Tutorials.Losses;

namespace Tutorials.Contrastive;

/// <summary>
/// Both towers and CLIP's learnable logit scale in one module, so that the trainer saves, restores and switches
/// them to train/eval mode together.
/// </summary>
public sealed class ContrastiveModel : nn.Module
{
    readonly ImageTower image;
    readonly TextTower text;
    readonly Parameter logit_scale;

    public ContrastiveModel(ImageTower image, TextTower text) : base(nameof(ContrastiveModel))
    {
        this.image = image;
        this.text = text;
        logit_scale = new Parameter(torch.tensor((float)ContrastiveLosses.InitialLogitScale));
        RegisterComponents();
    }

    public ImageTower Image => image;
    public TextTower Text => text;
    /// <summary>ln(1/temperature), learned (used by InfoNCE only).</summary>
    public Parameter LogitScale => logit_scale;

    /// <summary>The fine-tuned encoder parameters (ResNet layer4, the top BERT layers).</summary>
    public List<Parameter> EncoderParameters() =>
        image.Backbone.parameters().Concat(text.Bert.parameters()).Where(p => p.requires_grad).ToList();

    /// <summary>The new parameters: both projection heads.</summary>
    public List<Parameter> HeadParameters() => image.Head.parameters().Concat(text.Head.parameters()).ToList();

    /// <summary>
    /// Unit-length embeddings of a whole cached set, <paramref name="chunk"/> rows at a time, in eval mode without
    /// autograd (the module's mode is restored). Returned on the CPU.
    /// </summary>
    public (Tensor Images, Tensor Texts) EmbedAll(Tensor imageMaps, FrozenTextStates texts, int chunk = 128) =>
        (EmbedImages(imageMaps, chunk), EmbedTexts(texts, chunk));

    /// <summary>Unit-length embeddings of cached layer3 maps (see <see cref="EmbedAll"/>).</summary>
    public Tensor EmbedImages(Tensor imageMaps, int chunk = 128)
    {
        var device = logit_scale.device;
        return EvalPass.Collect(imageMaps.shape[0], chunk, (s, n) => image.call(imageMaps.narrow(0, s, n).to(device)), [this]);
    }

    /// <summary>Unit-length embeddings of cached captions (see <see cref="EmbedAll"/>).</summary>
    public Tensor EmbedTexts(FrozenTextStates texts, int chunk = 128)
    {
        var device = logit_scale.device;
        return EvalPass.Collect(texts.Count, chunk, (s, n) => text.call(texts.Hidden.narrow(0, s, n).to(device), texts.Mask.narrow(0, s, n).to(device)), [this]);
    }
}
