"""Small helpers for code that writes many rows at once."""


def ids_by_name(model, names, **fields) -> dict[str, int]:
    """The primary keys of `model`'s rows named `names`, the missing ones created with `fields`.

    `model.name` must be unique: two queries whatever the number of names, where a
    get_or_create per name costs two or three each.
    """
    names = set(names)
    model.objects.bulk_create([model(name=n, **fields) for n in names], ignore_conflicts=True)
    return dict(model.objects.filter(name__in=names).values_list("name", "pk"))
