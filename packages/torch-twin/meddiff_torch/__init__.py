"""PyTorch twin of the meddiff networks: the same configs, layer names and weights format as the
TypeScript packages, trained with torchrun (DistributedDataParallel)."""
from .models.cdm import Cdm, MaskedRepresentationModel, ModalityDecoupledDiffusion
from .models.med_cdiff import MedCDiff
from .nn.unet import UNet
from .weights import WeightsError, read_weights, save_weights

__all__ = ["Cdm", "MaskedRepresentationModel", "MedCDiff", "ModalityDecoupledDiffusion", "UNet", "WeightsError", "read_weights", "save_weights"]
