"""The staff UI's URLs: one include per area. The includes carry no namespace, so every page
keeps its name (``backoffice:<name>``) and its path."""

from django.urls import URLResolver, include, path

app_name = "backoffice"

urlpatterns: list[URLResolver] = [
    path("", include("backoffice.common.urls")),
    path("cases/", include("backoffice.cases.urls")),
    path("applicants/", include("backoffice.applicants.urls")),
    path("", include("backoffice.supervision.urls")),
    # Absence cover (AB岗): team leads record absences; deputies see what they cover.
    path("absences/", include("backoffice.absences.urls")),
    path("notifications/", include("backoffice.notifications.urls")),
    path("counter/", include("backoffice.counter.urls")),
    # The intake forms' type-ahead: industries (GB/T 4754-2017) and occupations (大典 2022).
    path("classifications/", include("backoffice.classifications.urls")),
    # The supporting services (standard art. 6, 11, 17, 19–24, 28), one package each.
    path("guidance/", include("backoffice.guidance.urls")),
    path("training/", include("backoffice.training.urls")),
    path("startup/", include("backoffice.startup.urls")),
    path("complaints/", include("backoffice.complaints.urls")),
    path("welfare/", include("backoffice.welfare.urls")),
    path("campaigns/", include("backoffice.campaigns.urls")),
    # Satisfaction ratings (好差评): the counter tablet and the rectifications.
    path("ratings/", include("backoffice.ratings.urls")),
    # The market scorecard, facility profiles and inspections (art. 3, 5–10, 29).
    path("scorecard/", include("backoffice.scorecard.urls")),
    path("noticeboard/", include("backoffice.noticeboard.urls")),
    # Monthly statistics (standard art. 15): figures, comparisons, records, XLSX.
    path("statistics/", include("backoffice.statistics.urls")),
    path("exports/", include("backoffice.exports.urls")),
    # The search box of the top bar (全局搜索).
    path("search/", include("backoffice.search.urls")),
    # The link with the provincial platform (数智人社): the outbox and its dead letters.
    path("provincial/", include("backoffice.provincial.urls")),
]
