#!/bin/sh
# Regenerates data/fashion-captions/captions.tsv from the generator in lib/Data/FashionCaptions.cs.
# The test that compares the committed listing with the generator writes it instead when UPDATE_FASHION_CAPTIONS=1.
set -e
cd "$(dirname "$0")/../.."
UPDATE_FASHION_CAPTIONS=1 dotnet test tests/Tutorials.Tests -c Release \
  --filter "FullyQualifiedName~FashionCaptionsListingTests.CommittedListingMatchesTheGenerator"
git --no-pager diff --stat -- data/fashion-captions/captions.tsv
