"""Fill the database with realistic synthetic data, in bulk, for load tests."""

import datetime
import functools

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from devtools import synthetic


def count(value: str) -> int:
    number = int(value.replace("_", "").replace(",", ""))
    if number < 0:
        raise ValueError(value)
    return number


def iso_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


class Command(BaseCommand):
    help = (
        "Generate synthetic declarations, bodies, commitments, deadlines, evidence "
        "and assessments in bulk (one transaction). Refuses a database that holds "
        "commitments unless --append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=count, required=True)
        parser.add_argument("--evidence", type=count, default=0)
        parser.add_argument("--assessments", type=count, default=0)
        parser.add_argument(
            "--declarations",
            type=count,
            help="Number of declarations (default: one per "
            f"{synthetic.COMMITMENTS_PER_DECLARATION} commitments, rounded up).",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Same seed, same data (default 0)."
        )
        parser.add_argument(
            "--until",
            type=iso_date,
            help="Last day anything may be dated (YYYY-MM-DD, default today). Fix it "
            "to get the same data on another day.",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already holds commitments: new keys, "
            "references and declarations follow the existing ones; the synthetic "
            "bodies are reused.",
        )
        parser.add_argument(
            "--batch-size",
            type=count,
            default=synthetic.BATCH_SIZE,
            help=f"Rows per INSERT (default {synthetic.BATCH_SIZE}).",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        progress = functools.partial(
            tqdm,
            file=self.stderr._out,
            unit=" commitments",
            unit_scale=True,
            desc="generate_synthetic",
            disable=verbosity == 0,
            mininterval=1.0,
        )
        try:
            summary = synthetic.generate(
                commitments=options["commitments"],
                evidence=options["evidence"],
                assessments=options["assessments"],
                declarations=options["declarations"],
                seed=options["seed"],
                until=options["until"],
                append=options["append"],
                batch_size=options["batch_size"] or synthetic.BATCH_SIZE,
                progress=progress,
            )
        except synthetic.SyntheticRefused as error:
            raise CommandError(str(error)) from None
        if verbosity:
            self.stdout.write("Created:")
            for line in summary.lines():
                self.stdout.write(f"  {line}")
