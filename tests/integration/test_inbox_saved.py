"""Saved replies on SQLite and PostgreSQL: CRUD with validation, tenancy, workspace variables
and products, rendering for a real item, usage counts, suggestions and the embedding cache."""

from __future__ import annotations

import pytest

from tandem.accounts import Role, store
from tandem.brand import BrandKit, save_brand_kit
from tandem.core import Conflict, InvalidInput, NotFound
from tandem.inbox import saved, suggest
from tandem.inbox.ingest import ingest_account
from tandem.inbox.model import Item
from tandem.inbox.queries import ItemQuery, find_items
from tandem.inbox.saved import InboxSavedReplyEmbeddingRow
from tandem.inbox.store import InboxCursorRow
from tandem.inbox.variables import Product, UnfilledVariables, Variable
from tests.support.fake_conversations import FakeConversations
from tests.support.world import World


class CountingEmbedder:
    """A stand-in model: a bag of letters, so similar words are close; counts its calls."""

    name = "letters-v1"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts):
        self.embedded.extend(texts)
        return [
            [float(t.lower().count(c)) for c in "abcdefghijklmnopqrstuvwxyz"]
            for t in texts
        ]


def _item(db, world: World, text: str, author: str = "jane") -> Item:
    fake = FakeConversations()
    fake.add(text, author=author, platform_id=text)
    with (
        db.session() as s
    ):  # each call brings a new platform page: read it from the start
        s.query(InboxCursorRow).delete()
    ingest_account(db, world.acme_account_id, fake, world.clock)
    with db.session() as s:
        (found,) = find_items(s, world.acme.id, ItemQuery(q=text.split()[0]))
        return found


def _create(s, world, title="Where is my order", body="Hi {first_name}, DM us.", **kw):
    return saved.create_saved(
        s,
        world.acme.id,
        title=title,
        body=body,
        user_id=world.users[Role.OWNER].id,
        now=world.clock.now(),
        **kw,
    )


def test_create_read_update_delete(db, world):
    with db.session() as s:
        made = _create(s, world, intents=["complaint"], tags=[" Shipping ", "shipping"])
        assert made.tags == ("shipping",) and made.intents == ("complaint",)
        assert made.variables == ("first_name",)
        changed = saved.update_saved(
            s, world.acme.id, made.id, body="Hello {handle}", now=world.clock.now()
        )
        assert changed.title == made.title and changed.body == "Hello {handle}"
        assert [r.id for r in saved.list_saved(s, world.acme.id, "hello")] == [made.id]
        assert saved.list_saved(s, world.acme.id, "nothing-like-this") == []
        saved.delete_saved(s, world.acme.id, made.id)
        with pytest.raises(NotFound):
            saved.get_saved(s, world.acme.id, made.id)


def test_validation_names_the_field(db, world):
    with db.session() as s:
        _create(s, world)
        with pytest.raises(Conflict, match="already called") as caught:
            _create(s, world, title="WHERE is my order")
        assert caught.value.field == "title"
        cases = [
            ({"title": " "}, "title"),
            ({"title": "x" * 121}, "title"),
            ({"title": "b", "body": "  "}, "body"),
            ({"title": "c", "body": "Hi {coupon}"}, "body"),
            ({"title": "d", "intents": ["angry"]}, "intents"),
            ({"title": "e", "tags": ["x" * 41]}, "tags"),
        ]
        for kw, field in cases:
            with pytest.raises(InvalidInput) as caught:
                _create(s, world, **kw)
            assert caught.value.field == field, kw


def test_another_workspace_sees_none_of_it(db, world):
    with db.session() as s:
        made = _create(s, world)
        assert saved.list_saved(s, world.beta.id) == []
        for call in (
            lambda: saved.get_saved(s, world.beta.id, made.id),
            lambda: saved.update_saved(
                s, world.beta.id, made.id, title="x", now=world.clock.now()
            ),
            lambda: saved.delete_saved(s, world.beta.id, made.id),
            lambda: saved.record_use(s, world.beta.id, made.id, now=world.clock.now()),
        ):
            with pytest.raises(NotFound):
                call()
    item = _item(db, world, "Where is my parcel?")
    with db.session() as s, pytest.raises(NotFound):
        saved.render_for_item(
            s, world.beta.id, made.id, item.id, agent=world.users[Role.OWNER]
        )


def test_variables_and_products_and_a_used_variable_cannot_be_dropped(db, world):
    with db.session() as s:
        saved.save_vocabulary(
            s,
            world.acme.id,
            variables=[Variable("store_hours", "9-18")],
            products=[Product("Trail Runner 2", ("TR2",))],
        )
        _create(s, world, body="Open {store_hours}")
        with pytest.raises(
            Conflict, match="used by the saved reply 'Where is my order'"
        ):
            saved.save_vocabulary(s, world.acme.id, variables=[], products=[])
        for bad, field in (
            ([Variable("First Name")], "variables"),
            ([Variable("brand")], "variables"),
            ([Variable("a"), Variable("a")], "variables"),
        ):
            with pytest.raises(InvalidInput) as caught:
                saved.save_vocabulary(s, world.acme.id, variables=bad, products=[])
            assert caught.value.field == field
        assert [v.name for v in saved.variables_of(s, world.beta.id)] == []
        assert saved.products_of(s, world.acme.id) == [
            Product("Trail Runner 2", ("TR2",))
        ]


def test_render_for_an_item_uses_the_brand_kit_the_product_list_and_the_platform(
    db, world
):
    item = _item(db, world, "My TR2 sole came off after a week", author="jane")
    other = _item(db, world, "Hello there friends")
    owner = world.users[Role.OWNER]
    body = "Sorry {first_name} ({handle}), your {product} is covered. {agent_name}, {brand}"
    with db.session() as s:
        saved.save_vocabulary(
            s,
            world.acme.id,
            variables=[],
            products=[Product("Trail Runner 2", ("TR2",))],
        )
        member = store.member_in(s, owner, world.acme)
        kit = BrandKit(brand_names=("ACME Outdoors",))
        save_brand_kit(s, actor=member, kit=kit, clock=world.clock)
        made = _create(s, world, body=body)
        text = saved.render_for_item(s, world.acme.id, made.id, item.id, agent=owner)
        assert text == (
            "Sorry Jane (@jane), your Trail Runner 2 is covered. Olive, ACME Outdoors"
        )
        # The Sandbox account imitates X: 280 characters.
        long = _create(s, world, title="Long", body="{first_name} " + "x" * 280)
        with pytest.raises(InvalidInput, match="x allows 280. Shorten it by 5"):
            saved.render_for_item(s, world.acme.id, long.id, item.id, agent=owner)
        with pytest.raises(UnfilledVariables, match="choose the product in product"):
            saved.render_for_item(s, world.acme.id, made.id, other.id, agent=owner)
        typed = saved.render_for_item(
            s, world.acme.id, made.id, other.id, agent=owner, values={"product": "Aero"}
        )
        assert "your Aero is covered" in typed


def test_record_use_counts_each_use(db, world):
    with db.session() as s:
        made = _create(s, world)
        saved.record_use(s, world.acme.id, made.id, now=world.clock.now())
        again = saved.record_use(s, world.acme.id, made.id, now=world.clock.now())
        assert again.usage_count == 2 and again.last_used_at == world.clock.now()


def test_lexical_suggestions_for_an_item_render_each_one(db, world):
    item = _item(db, world, "My parcel still hasn't arrived, where is my order?")
    with db.session() as s:
        _create(s, world, tags=["parcel"], intents=["complaint"])
        _create(s, world, title="Store hours", body="We open at 9.")
        _create(
            s,
            world,
            title="Order with product",
            body="Your {product} order ships soon.",
        )
        offered = suggest.offer(
            s, world.acme.id, item.id, agent=world.users[Role.OWNER], mode="lexical"
        )
    assert offered.method == "lexical"
    titles = [o.title for o in offered.suggestions]
    assert titles == ["Where is my order", "Order with product"]
    first, second = offered.suggestions
    assert first.text == "Hi Jane, DM us." and first.problem is None
    assert "parcel" in first.matched and first.intent_match
    assert second.text is None and second.missing == ("product",)


def test_semantic_suggestions_cache_embeddings_until_the_text_changes(db, world):
    item = _item(db, world, "Where is my parcel?")
    model = CountingEmbedder()
    with db.session() as s:
        a = _create(s, world)
        _create(s, world, title="Store hours", body="We open at 9.")
        first = suggest.suggest(s, world.acme.id, item, embedder=model)
        assert first.method == "semantic" and first.items
        assert len(model.embedded) == 3  # the message and two replies
    with db.session() as s:
        suggest.suggest(s, world.acme.id, item, embedder=model)
        assert len(model.embedded) == 4  # only the message: the replies are cached
        saved.update_saved(
            s,
            world.acme.id,
            a.id,
            body="Hi {first_name}, tracking is on the way.",
            now=world.clock.now(),
        )
        suggest.suggest(s, world.acme.id, item, embedder=model)
        assert model.embedded[-1].endswith("tracking is on the way.")
        assert len(model.embedded) == 6  # the message and the edited reply
        assert s.query(InboxSavedReplyEmbeddingRow).count() == 2
        saved.delete_saved(s, world.acme.id, a.id)
        assert s.query(InboxSavedReplyEmbeddingRow).count() == 1
