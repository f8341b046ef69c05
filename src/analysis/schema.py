"""The one definition of the dataset: tables, columns, types, rules and category orders."""

from __future__ import annotations

from dataclasses import dataclass

PLATFORMS = (
    "Facebook",
    "Instagram",
    "Messenger",
    "WhatsApp",
    "Threads",
    "WeChat",
    "LINE",
    "KakaoTalk",
    "Viber",
    "Snapchat",
    "iMessage",
    "Telegram",
)
STAGES = (1, 2, 3)
STAGE_NAMES = {
    1: "Build the experience, grow users",
    2: "Organic business interaction",
    3: "Paid tools for businesses",
}
REGIONS = ("North America", "Latin America", "Europe", "Middle East & Africa", "Asia-Pacific")
WORLDWIDE = "Worldwide"
MULTIPLE_REGIONS = "Multiple regions"
ROLLOUT_REGIONS = (WORLDWIDE, *REGIONS, MULTIPLE_REGIONS)
METRICS = ("mau", "dau", "registered")
FAMILY_METRICS = ("dap", "map")  # daily and monthly active people across a company's apps
EVENT_KINDS = ("announcement", "test", "launch", "expansion", "shelved")
DATE_PRECISIONS = ("day", "month")
DATE_KINDS = ("announced", "effective", "reported", "month")
PRODUCT_KINDS = ("in_app_ads", "paid_messaging", "paid_business_tools", "click_to_chat_ads",
                 "business_tools", "market_access", "other")
METRIC_TOPICS = ("users", "reach", "business")
ORIENTATIONS = ("B2B", "B2C")
UNITS = ("millions", "percent", "usd_billions")
REVENUE_ITEMS = ("ad_revenue", "revenue", "other_revenue", "click_to_message_ads_run_rate", "click_to_whatsapp_ads_run_rate")
REVENUE_UNITS = ("usd_millions",)
FIGURE_KINDS = ("company_reported", "third_party_estimate", "survey")
LANGUAGES = ("en", "de")  # the languages of the briefings and their words

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
HTTP_URL = r"^https?://[^\s/?#]+[^\s]*$"
COUNTRY_CODE = r"^[A-Z]{2}$"
COUNTRY_LIST = r"^[A-Z]{2}( [A-Z]{2})*$"
SNAKE_CASE = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
SNAKE_CASE_LIST = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*( [a-z][a-z0-9]*(_[a-z0-9]+)*)*$"
PRODUCT_KIND_LIST = rf"^({'|'.join(PRODUCT_KINDS)})( ({'|'.join(PRODUCT_KINDS)}))*$"
LANGUAGE = r"^[a-z]{2}$"
QUARTER = r"^[0-9]{4}-Q[1-4]$"
GROUP = r"^[A-Z]{2,5}$"
EXCLUSION_LIST = r"^[A-Z]{2,5}( [A-Z]{2,5})*$"

# No text may hold these: C0 and C1 controls (NUL, ESC, tab, line breaks), the line and paragraph
# separators, and the invisible marks that reorder text (bidi overrides, embeddings, isolates).
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"

FIRST_YEAR = 1990  # no fact in this dataset is older; an earlier year or date is a typo
FIRST_DATE = f"{FIRST_YEAR}-01-01"
MAX_MILLIONS = 10_000  # more than the people on Earth
UNIT_MAXIMA = {"millions": MAX_MILLIONS, "percent": 100, "usd_billions": 10_000}


@dataclass(frozen=True)
class Field:
    """One column: its type and the rules every value must follow."""

    name: str
    type: str  # string, date, number, integer, boolean
    description: str
    required: bool = True
    categories: tuple | None = None  # allowed values, in order; loaded as an ordered categorical
    pattern: str | None = None
    pattern_meaning: str | None = None  # what the pattern asks for, in words
    format: str | None = None  # "url": an http(s) URL with a host; "country": an ISO 3166-1 alpha-2 code
    minimum: float | str | None = None  # the lowest value allowed (an ISO date for dates)
    maximum: float | None = None  # the highest value allowed
    maximum_by: tuple[str, tuple] | None = None  # (column, ((its value, a lower maximum there), ...))
    not_future: bool = False  # dates: not after today; integers (years): not after this year
    references: tuple[str, str] | None = None  # (table, column) every value must exist in
    list_of: tuple[str, str] | None = None  # space-separated values, each in (table, column)


@dataclass(frozen=True)
class Table:
    """One CSV file of the dataset."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _source_id(description="The source this fact comes from.") -> Field:
    return Field("source_id", "string", description, references=("sources", "source_id"))


def _note() -> Field:
    return Field(
        "note", "string", "Remarks: how a figure was read, or what another source said.", required=False
    )


def _company(description: str = "The company: 'Meta'.") -> Field:
    return Field("company", "string", description)


def _quarter(description: str = "The calendar quarter, such as '2025-Q3'.") -> Field:
    return Field("period", "string", description, pattern=QUARTER,
                 pattern_meaning="a year and quarter such as '2025-Q3'")


def _date_kind() -> Field:
    return Field("date_kind", "string", "What the date is: announced (the day the company, or the authority "
                                        "acting, announced it), effective (the day it took effect, where no "
                                        "announcement of that day is known), reported (a news report's day, "
                                        "where neither is known) or month (only the month is known).",
                 categories=DATE_KINDS)


def _figure_kind() -> Field:
    return Field("figure_kind", "string", "company_reported (the company's own figure, also when a copy or a "
                                          "report passes it on), third_party_estimate (an analyst's, tracker's or "
                                          "government's figure) or survey (a study asking people or firms).",
                 categories=FIGURE_KINDS)


def _date(name: str, description: str, required: bool = True) -> Field:
    return Field(name, "date", description, required=required, minimum=FIRST_DATE, not_future=True)


def _year(description: str) -> Field:
    return Field("year", "integer", description, minimum=FIRST_YEAR, not_future=True)


def _platform(references=True) -> Field:
    return Field(
        "platform",
        "string",
        "The messaging or social app.",
        categories=PLATFORMS,
        references=("platforms", "platform") if references else None,
    )


COUNTRIES = Table(
    "countries",
    "Country-to-region map: every country code used in the dataset resolves through it.",
    (
        Field("country", "string", "ISO 3166-1 alpha-2 code.", pattern=COUNTRY_CODE,
              pattern_meaning="an ISO 3166-1 alpha-2 code such as 'BR'", format="country"),
        Field("name", "string", "English short name."),
        Field("the", "boolean", "True where an English sentence puts 'the' before the name: 'in the United States'."),
        Field("region", "string", "The region this project groups the country into.", categories=REGIONS),
    ),
    primary_key=("country",),
)

SOURCES = Table(
    "sources",
    "Public sources that were read: earnings releases, company posts, news reports.",
    (
        Field("source_id", "string", "Short stable id: publisher-yyyymmdd-topic.", pattern=SLUG,
              pattern_meaning="a lowercase slug such as 'reuters-20170711-messenger-ads'"),
        Field("publisher", "string", "Who published it."),
        Field("title", "string", "The headline as published; empty where the page shows none.",
              required=False),
        _date("published", "Publication date; empty where the page shows none; the 1st of the month where "
                           "only the month is known.", required=False),
        Field("published_precision", "string", "day, or month where only the month of publication is known; "
                                               "empty where the date is.", required=False,
              categories=DATE_PRECISIONS),
        Field("url", "string", "Where it can be read.", pattern=HTTP_URL, format="url",
              pattern_meaning="an http(s) URL with a host, such as https://example.org/page"),
        Field("language", "string", "ISO 639-1 language code.", pattern=LANGUAGE,
              pattern_meaning="a two-letter ISO 639-1 code such as 'en'"),
        _date("accessed", "The day the page was read for this dataset (the day its row was added)."),
        _note(),
    ),
    primary_key=("source_id",),
)

METRICS_TABLE = Table(
    "metrics",
    "What each metric measures: its label, unit and topic.",
    (
        Field("metric", "string", "The metric's name as used in user_counts and regions.", pattern=SNAKE_CASE,
              pattern_meaning="a snake_case name such as 'users'"),
        Field("label", "string", "How a reader sees it, in lower case: 'monthly active users'."),
        Field("label_de", "string",
              "The label in German, lower case except nouns, which German capitalises: "
              "'monatlich aktive Nutzer'."),
        Field("unit", "string", "millions, percent or usd_billions.", categories=UNITS),
        Field("about", "string", "users (how many), reach (what share of people) or business (business use).",
              categories=METRIC_TOPICS),
        Field("description", "string", "What is counted, in one sentence."),
    ),
    primary_key=("metric",),
)

PLATFORMS_TABLE = Table(
    "platforms",
    "The platforms compared: Meta's apps and their peers.",
    (
        _platform(references=False),
        Field("owner", "string", "The company that owns it today."),
        _date("launched", "Public launch date of the app."),
        Field("peer", "boolean", "True for a non-Meta comparison platform."),
        Field("home_country", "string", "Country of the company that built it.",
              references=("countries", "country")),
        _source_id("The source for the launch date."),
        _note(),
    ),
    primary_key=("platform",),
)

PRODUCTS_TABLE = Table(
    "products",
    "The ad and business products the events belong to, and what kind of tool each is.",
    (
        _platform(),
        Field("product", "string", "The product's name, as in rollouts.csv."),
        Field("product_de", "string",
              "The product's name in German; proper names stay as they are: 'WhatsApp Business API', "
              "'Click-to-WhatsApp-Anzeigen'."),
        Field("kind", "string",
              "in_app_ads (ads shown in the app), paid_messaging (businesses pay per message or "
              "for reach in chats), paid_business_tools (paid features such as verification), "
              "click_to_chat_ads (ads elsewhere that open a chat), business_tools (free presence "
              "and messaging tools), market_access (the app itself in a market: a block shelves it, and "
              "with it every product of the app there, until a lifting) or other (not a business "
              "product).", categories=PRODUCT_KINDS),
        Field("replaced_by", "string", "The product of the same platform that replaced it, if any.",
              required=False),
        Field("source_id", "string", "The source saying what replaced it; required with replaced_by.",
              required=False, references=("sources", "source_id")),
        _note(),
    ),
    primary_key=("platform", "product"),
)

USER_COUNTS = Table(
    "user_counts",
    "User figures as the companies announced them, one figure per row.",
    (
        _platform(),
        _date("date", "When the figure was announced."),
        Field("metric", "string", "mau = monthly active, dau = daily active, registered = accounts.",
              categories=METRICS, references=("metrics", "metric")),
        Field("users_millions", "number", "Users in millions.", minimum=0.001, maximum=MAX_MILLIONS),
        _figure_kind(),
        _source_id(),
        _note(),
    ),
    primary_key=("platform", "date", "metric"),
)

def _kinds(stage: int) -> Field:
    return Field(f"stage{stage}_kinds", "string",
                 f"The product kinds (products.csv) whose first test or launch on a platform begins stage "
                 f"{stage} under this reading, separated by spaces.", pattern=PRODUCT_KIND_LIST,
                 pattern_meaning="product kinds separated by single spaces, such as 'in_app_ads paid_messaging'")


def _rule(stage: int, lang: str = "") -> Field:
    return Field(f"stage{stage}_rule{lang and '_' + lang}", "string",
                 f"When stage {stage} begins under this reading, as one sentence"
                 + (" in German." if lang else "."))


FAMILY_COUNTS = Table(
    "family_counts",
    "People across all of a company's apps, counted once, as the company announced them: one figure per row.",
    (
        _company(),
        _date("date", "When the figure was announced."),
        Field("metric", "string", "dap = daily active people, map = monthly active people.",
              categories=FAMILY_METRICS, references=("metrics", "metric")),
        Field("users_millions", "number", "People in millions.", minimum=0.001, maximum=MAX_MILLIONS),
        _figure_kind(),
        _source_id(),
        _note(),
    ),
    primary_key=("company", "date", "metric"),
)

READINGS_TABLE = Table(
    "readings",
    "The stated rules by which a platform's stage entries are called: one row per reading.",
    (
        Field("reading", "string", "The reading's name, as the helpers and the command take it.",
              pattern=SNAKE_CASE, pattern_meaning="a snake_case name such as 'paid_tools'"),
        Field("name", "string", "How a reader sees it: 'paid tools'."),
        Field("name_de", "string", "The name in German."),
        Field("default", "boolean", "True for the one reading used when none is given."),
        _kinds(2), _rule(2), _rule(2, "de"),
        _kinds(3), _rule(3), _rule(3, "de"),
    ),
    primary_key=("reading",),
)

STAGES_TABLE = Table(
    "stages",
    "A platform entering a stage of the three-stage monetization path, under one or more readings.",
    (
        _platform(),
        Field("stage", "integer", "1 grow users, 2 organic business interaction, 3 paid business tools.",
              categories=STAGES),
        Field("readings", "string",
              "The readings (readings.csv) under which the platform entered the stage on this date, "
              "separated by spaces; every reading has one row per platform and stage at most.",
              pattern=SNAKE_CASE_LIST, list_of=("readings", "reading"),
              pattern_meaning="reading names separated by single spaces, such as 'paid_tools in_app_ads'"),
        _date("started", "Date of the first event of the stage."),
        _date_kind(),
        Field("evidence", "string", "What happened: a sentence about the entry itself, then any later "
                                    "events in sentences of their own (a briefing drops those after its date)."),
        Field("evidence_de", "string",
              "The evidence in German: the same sentences, split at the same places and naming the "
              "same years, so a briefing drops the same sentences in either language."),
        _source_id(),
    ),
    primary_key=("platform", "stage", "readings"),
)

ROLLOUTS = Table(
    "rollouts",
    "Dated monetization events: announcements, tests, launches, expansions, shelved plans.",
    (
        _date("date", "When it happened or was announced; the 1st of the month for a month-only date."),
        Field("date_precision", "string", "day, or month where the source gives only the month.",
              categories=DATE_PRECISIONS),
        _date_kind(),
        _platform(),
        Field("event", "string", "What happened, in a few words."),
        Field("event_de", "string", "What happened, in a few words, in German."),
        Field("kind", "string", "announcement, test, launch, expansion or shelved.", categories=EVENT_KINDS),
        Field("product", "string", "The ad or business product the event belongs to (products.csv)."),
        Field("stage", "integer", "The stage the event belongs to.", categories=STAGES),
        Field("region", "string", "Worldwide, a region, or Multiple regions.", categories=ROLLOUT_REGIONS),
        Field("countries", "string", "Space-separated ISO codes where the event was local.",
              required=False, pattern=COUNTRY_LIST,
              pattern_meaning="ISO alpha-2 codes separated by single spaces, such as 'AU TH'",
              list_of=("countries", "country")),
        Field("excluded", "string", "Where the event did not reach although its region or countries hold "
                                    "it: country groups (groups.csv, such as 'EU') or ISO codes, separated "
                                    "by spaces; empty where nothing was left out.",
              required=False, pattern=EXCLUSION_LIST,
              pattern_meaning="groups or ISO codes separated by single spaces, such as 'EU' or 'DE AT CH'"),
        _date("excluded_until", "The day the places left out were reached; empty while they are not "
                                "(or were never reported reached).", required=False),
        _source_id(),
        _note(),
    ),
    primary_key=("date", "platform", "event"),
)

GROUPS_TABLE = Table(
    "groups",
    "Groups of countries an event can leave out, such as the EU: one row per member.",
    (
        Field("group", "string", "The group's short name, as rollouts.csv uses it: 'EU'.", pattern=GROUP,
              pattern_meaning="2 to 5 capital letters such as 'EU'"),
        Field("name", "string", "Its name for readers: 'the EU'."),
        Field("name_de", "string", "Its name in German: 'die EU'."),
        Field("country", "string", "A member: an ISO 3166-1 alpha-2 code.", pattern=COUNTRY_CODE,
              pattern_meaning="an ISO 3166-1 alpha-2 code such as 'DE'", format="country"),
        _source_id(),
        _note(),
    ),
    primary_key=("group", "country"),
)

REGIONS_TABLE = Table(
    "regions",
    "Regional facts: users by country, business adoption.",
    (
        Field("region", "string", "Region the fact is about.", categories=REGIONS),
        Field("country", "string", "Country, empty for a region-wide fact.", required=False,
              references=("countries", "country")),
        Field("platform", "string", "The app; empty for messaging apps in general.", required=False,
              categories=PLATFORMS, references=("platforms", "platform")),
        Field("metric", "string", "What is measured (metrics.csv).", pattern=SNAKE_CASE,
              pattern_meaning="a snake_case name such as 'users'", references=("metrics", "metric")),
        Field("value", "number", "The figure; percentages run from 0 to 100.", minimum=0,
              maximum=max(UNIT_MAXIMA.values()), maximum_by=("unit", tuple(UNIT_MAXIMA.items()))),
        Field("unit", "string", "millions, percent or usd_billions.", categories=UNITS),
        _year("The year the figure refers to."),
        _figure_kind(),
        _source_id(),
        _note(),
    ),
    primary_key=("region", "country", "platform", "metric", "year"),
)

ORIENTATIONS_TABLE = Table(
    "orientations",
    "Whether business use of a platform is mainly B2B or B2C in a region or country.",
    (
        Field("region", "string", "Region.", categories=REGIONS),
        Field("country", "string", "Country, empty for a region-wide statement.", required=False,
              references=("countries", "country")),
        _platform(),
        Field("orientation", "string", "B2B or B2C.", categories=ORIENTATIONS),
        _year("The year of the statement."),
        _source_id(),
        _note(),
    ),
    primary_key=("region", "country", "platform", "year"),
)

RELEASES_TABLE = Table(
    "releases",
    "The day a company first published its results for a quarter: a revenue figure is known from then.",
    (
        _company("The company reporting, as in geographies.csv: 'Meta'."),
        _quarter(),
        _date("reported", "The day the results were published."),
        Field("published_as", "string", "The company's name on these results, as published: 'Facebook' until "
              "Facebook, Inc. renamed itself Meta in October 2021."),
        _source_id("A source showing the release, its day and the name on it."),
        _note(),
    ),
    primary_key=("company", "period"),
)

GEOGRAPHIES_TABLE = Table(
    "geographies",
    "How a company's own reporting regions map to this dataset's regions: one row per pair.",
    (
        _company(),
        Field("geography", "string", "The company's own name for the geography, as published: 'Rest of World'."),
        Field("geography_de", "string", "The same name in German: 'Übrige Welt'."),
        Field("region", "string", "One of this dataset's regions the geography covers.", categories=REGIONS),
        _source_id("A source stating what the geography covers."),
        _note(),
    ),
    primary_key=("company", "geography", "region"),
)

REVENUE_TABLE = Table(
    "revenue",
    "Revenue figures a company reported: by its own geographies per quarter, and its statements on "
    "business messaging.",
    (
        _company(),
        _quarter("The calendar quarter the figure covers (or in which a run rate was stated), such as "
                 "'2025-Q3'; its results day is in releases.csv."),
        Field("geography", "string", "The company's geography (geographies.csv), or 'Worldwide'."),
        Field("item", "string", "ad_revenue (advertising revenue by user geography), revenue (all revenue by "
                                "user geography, where the company splits only that), other_revenue (revenue "
                                "outside advertising), click_to_message_ads_run_rate or "
                                "click_to_whatsapp_ads_run_rate (annual run rates stated on a call).",
              categories=REVENUE_ITEMS),
        Field("value", "number", "The figure as published.", minimum=0, maximum=10_000_000),
        Field("unit", "string", "usd_millions.", categories=REVENUE_UNITS),
        _figure_kind(),
        _source_id(),
        _note(),
    ),
    primary_key=("company", "period", "geography", "item"),
)

# In load order: every table comes after the tables it refers to.
TABLES = (
    COUNTRIES,
    SOURCES,
    METRICS_TABLE,
    PLATFORMS_TABLE,
    PRODUCTS_TABLE,
    USER_COUNTS,
    FAMILY_COUNTS,
    READINGS_TABLE,
    STAGES_TABLE,
    GROUPS_TABLE,
    ROLLOUTS,
    REGIONS_TABLE,
    ORIENTATIONS_TABLE,
    RELEASES_TABLE,
    GEOGRAPHIES_TABLE,
    REVENUE_TABLE,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}
