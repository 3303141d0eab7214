"""The documents the twin's mongod databases hold: a few realistic ones per collection."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from aoi.twin.behaviour.mongo_state import MongoState
from aoi.twin.surface.mongo.values import Special

_HOTELS = [
    ("Clift Hotel", "(415) 775-4700", "495", "Geary St", "94102", 37.7867, -122.4112),
    ("W San Francisco", "(415) 777-5300", "181", "3rd St", "94103", 37.7854, -122.4005),
    ("Hotel Zetta", "(415) 543-8555", "55", "5th St", "94103", 37.7834, -122.4071),
    ("Hotel Vitale", "(415) 278-3700", "8", "Mission St", "94105", 37.7936, -122.3930),
    ("Phoenix Hotel", "(415) 776-1380", "601", "Eddy St", "94109", 37.7831, -122.4181),
    ("St. Regis San Francisco", "(415) 284-4000", "125", "3rd St", "94109", 37.7863, -122.4015),
]


def _point(i: int) -> tuple[float, float]:
    if i < len(_HOTELS):
        return _HOTELS[i][5], _HOTELS[i][6]
    return round(37.7835 + (i + 1) / 500.0 * 3, 4), round(-122.41 + (i + 1) / 500.0 * 4, 4)


def _geo(i: int) -> dict[str, Any]:
    lat, lon = _point(i)
    return {"hotelId": str(i + 1), "lat": lat, "lon": lon}


def _hotel(i: int) -> dict[str, Any]:
    name, phone, number, street, code, lat, lon = _HOTELS[i % len(_HOTELS)]
    lat, lon = _point(i)
    address = {
        "streetNumber": number,
        "streetName": street,
        "city": "San Francisco",
        "state": "CA",
        "country": "United States",
        "postalCode": code,
        "lat": lat,
        "lon": lon,
    }
    return {
        "id": str(i + 1),
        "name": name,
        "phoneNumber": phone,
        "description": "A 6-minute walk from Union Square and 4 minutes from a Muni Metro station.",
        "address": address,
    }


def _rate(i: int) -> dict[str, Any]:
    price = [109.0, 139.0, 109.0][i % 3]
    room = {
        "bookableRate": price,
        "totalRate": price,
        "totalRateInclusive": round(price * 1.13, 2),
        "code": ["KNG", "QN", "KNG"][i % 3],
        "currency": "USD",
        "roomDescription": ["King sized bed", "Queen sized bed", "King sized bed"][i % 3],
    }
    return {
        "hotelId": str(i + 1),
        "code": "RACK",
        "inDate": "2015-04-09",
        "outDate": "2015-04-10",
        "roomType": room,
    }


def _recommendation(i: int) -> dict[str, Any]:
    lat, lon = _point(i)
    return {
        "hotelId": str(i + 1),
        "lat": lat,
        "lon": lon,
        "rate": [109.0, 139.0, 109.0][i % 3],
        "price": [150.0, 120.0, 190.0][i % 3],
    }


def _user(i: int) -> dict[str, Any]:
    secret = hashlib.sha256((str(i) * 10).encode()).hexdigest()
    return {"username": f"Cornell_{i}", "password": secret}


def _social_user(i: int) -> dict[str, Any]:
    salt = hashlib.md5(f"salt{i}".encode()).hexdigest()[:32]
    return {
        "user_id": Special(f"NumberLong({i})"),
        "first_name": f"first_name_{i}",
        "last_name": f"last_name_{i}",
        "salt": salt,
        "username": f"username_{i}",
        "password": hashlib.sha256(f"password_{i}{salt}".encode()).hexdigest(),
    }


def _graph(i: int) -> dict[str, Any]:
    follow = [
        {
            "user_id": Special(f"NumberLong({(i + k) % 962})"),
            "timestamp": Special("NumberLong(1700000000000)"),
        }
        for k in (1, 2)
    ]
    return {"user_id": Special(f"NumberLong({i})"), "followers": follow, "followees": follow[:1]}


def _url(i: int) -> dict[str, Any]:
    code = hashlib.sha1(f"url{i}".encode()).hexdigest()[:10]
    return {
        "shortened_url": f"http://short-url.com/{code}",
        "expanded_url": f"http://expanded-url-{i}.com",
    }


# database -> collection -> (count, document factory)
SEED: dict[str, dict[str, tuple[int, Callable[[int], dict[str, Any]]]]] = {
    "geo-db": {"geo": (80, _geo)},
    "profile-db": {"hotels": (80, _hotel)},
    "rate-db": {"inventory": (80, _rate)},
    "recommendation-db": {"recommendation": (80, _recommendation)},
    "reservation-db": {
        "number": (80, lambda i: {"hotelId": str(i + 1), "numberOfRoom": 200}),
        "reservation": (
            1,
            lambda i: {
                "hotelId": "4",
                "customerName": "Alice",
                "inDate": "2015-04-09",
                "outDate": "2015-04-10",
                "number": 1,
            },
        ),
    },
    "user-db": {"user": (501, _user)},
    "user": {"user": (962, _social_user)},
    "social-graph": {"social-graph": (962, _graph)},
    "url-shorten": {"url-shorten": (24, _url)},
}


def seeded_collections(
    namespace: str, component: str, db: str, state: MongoState | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The documents a database of this mongod holds: a few realistic ones per collection."""
    if state is not None and db not in state.databases:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for coll, (count, make) in SEED.get(db, {}).items():
        docs = []
        for i in range(count):
            oid = hashlib.sha1(f"{namespace}/{component}/{db}/{coll}/{i}".encode()).hexdigest()
            docs.append({"_id": Special(f'ObjectId("{oid[:24]}")'), **make(i)})
        out[coll] = docs
    return out
