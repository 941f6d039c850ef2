"""The downloads page and the full dataset: a zip of the dataset's tables (laws/dataset.py, the
same tables and README as a release), as the published data stands today."""

import datetime

from django.shortcuts import render

from laws.dataset import dataset_files
from treaties.models import Treaty

from . import data
from .exports import zip_response
from .parameters import accepts


@accepts()
def downloads(request):
    return render(
        request,
        "public/downloads.html",
        {"treaties": list(Treaty.objects.all()), "indicators": list(data.indicators())},
    )


@accepts(file=True)
def dataset(request):
    today = datetime.date.today()
    files, _counts = dataset_files(released=today)
    return zip_response(f"crin-legal-dataset-{today.isoformat()}.zip", files)
