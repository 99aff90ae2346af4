def safety_page(request):
    raise NotImplementedError


def adverse_events_page(request):
    raise NotImplementedError
