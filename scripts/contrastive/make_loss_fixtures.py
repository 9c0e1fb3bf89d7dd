#!/usr/bin/python3
"""Reference values for lib/Losses/ContrastiveLosses.cs, computed independently with PyTorch.

Three losses: the article's margin loss (ContrastiveLosses.Margin, written here from the article's text with
torch.cdist), Hadsell et al.'s (ContrastiveLosses.HadsellMargin) and CLIP's InfoNCE.

Run with Debian's python3-torch (not a pyenv python):
    /usr/bin/python3 scripts/contrastive/make_loss_fixtures.py
Writes data/pytorch-fixtures/contrastive-losses.json: inputs, loss values and gradients w.r.t. the image
embeddings, the text embeddings and (InfoNCE) the logit scale. Float64 throughout, so the fixture is exact to
far below the C# tests' tolerance (1e-5).
"""
import json, math, os, sys
import torch
import torch.nn.functional as F

torch.manual_seed(0)
B, D = 6, 5

def article_margin_loss(img, txt, labels, margin=1.0):
    # The article's strategy-3 loss, as its text writes it ("How can two trained PyTorch models be combined?"):
    #   distance = squared Euclidean distance of every image-text pair
    #   loss = mean( y * distance + (1 - y) * clamp(margin - distance, min=0) )
    # (margin = 1 gives the article's clamp(1 - distance, min=0)). Here with a B x B label matrix.
    distance = torch.cdist(img, txt) ** 2
    return torch.mean(labels * distance + (1 - labels) * torch.clamp(margin - distance, min=0))

def hadsell_margin_loss(img, txt, labels, margin=1.0):
    # Hadsell, Chopra & LeCun (2006), for every image-text pair in the batch:
    # d2[i,j] = ||img_i - txt_j||^2, d = sqrt(d2)
    # loss = mean_ij( y_ij * d2 + (1 - y_ij) * max(0, margin - d)^2 )
    d2 = ((img[:, None, :] - txt[None, :, :]) ** 2).sum(-1)
    d = d2.clamp_min(1e-12).sqrt()
    return (labels * d2 + (1 - labels) * (margin - d).clamp_min(0) ** 2).mean()

def clip_loss(img, txt, logit_scale, max_logit_scale=math.log(100)):
    img = F.normalize(img, dim=1)
    txt = F.normalize(txt, dim=1)
    scale = logit_scale.clamp(max=max_logit_scale).exp()
    logits = scale * img @ txt.T
    target = torch.arange(img.shape[0])
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2

def leaf(t):
    return t.clone().double().requires_grad_(True)

cases = []
keys = torch.tensor([0, 1, 0, 2, 1, 3])
labels = (keys[:, None] == keys[None, :]).double()
for name, scale in [("unit", None), ("raw", 0.4)]:
    a, b = torch.randn(B, D), torch.randn(B, D)
    if scale is None:
        a, b = F.normalize(a, dim=1), F.normalize(b, dim=1)   # what the model feeds the loss
    else:
        a, b = a * scale, b * scale
    for loss_name, fn in [("margin", article_margin_loss), ("hadsell", hadsell_margin_loss)]:
        img, txt = leaf(a), leaf(b)
        loss = fn(img, txt, labels)
        loss.backward()
        cases.append({"loss": loss_name, "name": name, "margin": 1.0, "keys": keys.tolist(),
                      "image": a.double().tolist(), "text": b.double().tolist(),
                      "value": loss.item(), "grad_image": img.grad.tolist(), "grad_text": txt.grad.tolist()})

# A margin other than 1 (the article writes 1; the kit's parameter must mean the same thing for any value).
g = torch.Generator().manual_seed(1)                     # own generator: the other cases' draws stay as they were
a, b = torch.randn(B, D, generator=g) * 0.5, torch.randn(B, D, generator=g) * 0.5
for loss_name, fn in [("margin", article_margin_loss), ("hadsell", hadsell_margin_loss)]:
    img, txt = leaf(a), leaf(b)
    loss = fn(img, txt, labels, margin=2.0)
    loss.backward()
    cases.append({"loss": loss_name, "name": "margin2", "margin": 2.0, "keys": keys.tolist(),
                  "image": a.double().tolist(), "text": b.double().tolist(),
                  "value": loss.item(), "grad_image": img.grad.tolist(), "grad_text": txt.grad.tolist()})

for name, ls in [("init", math.log(1 / 0.07)), ("clamped", 5.0)]:
    a, b = torch.randn(B, D), torch.randn(B, D)
    img, txt = leaf(a), leaf(b)
    s = torch.tensor(ls, dtype=torch.float64, requires_grad=True)
    loss = clip_loss(img, txt, s)
    loss.backward()
    cases.append({"loss": "infonce", "name": name, "logit_scale": ls, "max_logit_scale": math.log(100),
                  "image": a.double().tolist(), "text": b.double().tolist(),
                  "value": loss.item(), "grad_image": img.grad.tolist(), "grad_text": txt.grad.tolist(),
                  "grad_logit_scale": s.grad.item()})

out = os.path.join(os.path.dirname(__file__), "..", "..", "data", "pytorch-fixtures", "contrastive-losses.json")
doc = {"generator": "scripts/contrastive/make_loss_fixtures.py", "torch": torch.__version__,
       "python": sys.version.split()[0], "cases": cases}
tmp = out + ".tmp"
with open(tmp, "w") as f:
    json.dump(doc, f, indent=1)
os.replace(tmp, out)
print(f"wrote {os.path.normpath(out)}: {len(cases)} cases, torch {torch.__version__}")
