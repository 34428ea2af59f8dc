from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cabas.fulfilment.scale import ScaleRefused, run_suffix, scale_build


def _number(value: int) -> str:
    """12345 -> '12 345' (French thousands)."""
    return f"{value:,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = (
        "Build a synthetic, consistent order history of at least --lines order lines for the "
        "reports and the benchmarks: hubs and producers, their catalogue in the reference "
        "categories, customers, weekly order cycles over about six months, and orders (placed, "
        "collected, a few cancelled) with their lines, fee lines and payments, priced by the "
        "checkout's own code. Development only: it refuses to run when DEBUG is off. The same "
        "--seed builds the same history (on the same day); running it again never changes "
        "existing data, it adds a second, separate history whose enterprises' slugs end with "
        "-e<seed>-<run>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lines", type=int, required=True, help="order lines to build, at least")
        parser.add_argument("--seed", type=int, default=1, help="seed of the random generator (1)")
        parser.add_argument("--hubs", type=int, default=None, help="number of hubs (default: 2 to 8 by size)")

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0

        def progress(lines: int) -> None:
            if verbose:
                self.stdout.write(_("%(lines)s lignes de commande écrites…") % {"lines": _number(lines)})

        try:
            summary = scale_build(
                lines=options["lines"], seed=options["seed"], hubs=options["hubs"], progress=progress
            )
        except ScaleRefused as refused:
            raise CommandError(str(refused))
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Historique fictif construit en %(seconds)s s (graine %(seed)s, passage "
                        "%(run)s, structures en « %(suffix)s ») : %(hubs)s points de vente, "
                        "%(producers)s producteurs, %(products)s produits, %(variants)s variantes, "
                        "%(customers)s clients, %(cycles)s cycles, %(orders)s commandes, "
                        "%(lines)s lignes, %(fee_lines)s lignes de frais, %(payments)s paiements."
                    )
                    % {
                        "seconds": f"{summary.seconds:.1f}".replace(".", ","),
                        "seed": summary.seed,
                        "run": summary.run,
                        "suffix": run_suffix(summary.seed, summary.run),
                        **{
                            key: _number(getattr(summary, key))
                            for key in (
                                "hubs",
                                "producers",
                                "products",
                                "variants",
                                "customers",
                                "cycles",
                                "orders",
                                "lines",
                                "fee_lines",
                                "payments",
                            )
                        },
                    }
                )
            )
