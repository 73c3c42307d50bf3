"""Programme prices: a price per factory by programme size, from a tier table
(config/pricing.toml; seed 002: 1 factory 15,000 USD, 10 factories 13,000
each, 20 factories 11,000 each), and the programme's period limits."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_CONFIG = Path(__file__).parent.parent / "config" / "pricing.toml"


@dataclass(frozen=True)
class Tier:
    min_factories: int
    price_per_factory: int


@dataclass(frozen=True)
class Quote:
    factories: int
    tier: Tier
    currency: str

    @property
    def price_per_factory(self) -> int:
        return self.tier.price_per_factory

    @property
    def total(self) -> int:
        return self.factories * self.tier.price_per_factory

    def to_dict(self) -> dict:
        return {"factories": self.factories, "tier_min_factories": self.tier.min_factories,
                "price_per_factory": self.price_per_factory, "total": self.total, "currency": self.currency}


@dataclass(frozen=True)
class Pricing:
    currency: str
    tiers: tuple[Tier, ...]  # ascending by min_factories
    default_period_months: int
    max_period_months: int
    min_period_days: int

    def quote(self, factories: int) -> Quote:
        if factories < 1:
            raise ValueError("a programme has at least one factory")
        tier = [t for t in self.tiers if t.min_factories <= factories][-1]
        return Quote(factories, tier, self.currency)

    def to_dict(self) -> dict:
        return {"currency": self.currency, "default_period_months": self.default_period_months,
                "max_period_months": self.max_period_months, "min_period_days": self.min_period_days,
                "tiers": [{"min_factories": t.min_factories, "price_per_factory": t.price_per_factory}
                          for t in self.tiers]}


@cache
def pricing(path: Path = _CONFIG) -> Pricing:
    d = tomllib.loads(path.read_text(encoding="utf-8"))
    tiers = tuple(sorted((Tier(int(t["min_factories"]), int(t["price_per_factory"])) for t in d["tiers"]),
                        key=lambda t: t.min_factories))
    if not tiers or tiers[0].min_factories != 1:
        raise ValueError(f"{path}: the first tier must start at 1 factory")
    return Pricing(str(d["currency"]), tiers, int(d["default_period_months"]), int(d["max_period_months"]),
                   int(d["min_period_days"]))
