"""ICD-10 codes for conditions as studies write them, where the name leaves no doubt.

Conditions are free text (one per line). A FHIR client wants a code it can compare; this curated
list gives one for common conditions written in Bokmål, Nynorsk or English, at the level of the
ICD-10 category (three characters; a subcategory where the category would say something else).
A condition that is not in the list keeps its text only: no guessing.
"""

ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"

# code → (display, names as written, compared without case)
_CODES: dict[str, tuple[str, tuple[str, ...]]] = {
    "A41": ("Other sepsis", ("sepsis",)),
    "C18": ("Malignant neoplasm of colon", ("tykktarmskreft", "colon cancer", "kolonkreft")),
    "C34": ("Malignant neoplasm of bronchus and lung", ("lungekreft", "lung cancer")),
    "C43": ("Malignant melanoma of skin", ("føflekkreft", "melanom", "melanoma")),
    "C50": ("Malignant neoplasm of breast", ("brystkreft", "breast cancer")),
    "C61": ("Malignant neoplasm of prostate", ("prostatakreft", "prostate cancer")),
    "E10": ("Type 1 diabetes mellitus", ("diabetes type 1", "type 1-diabetes", "type 1 diabetes")),
    "E11": ("Type 2 diabetes mellitus", ("diabetes type 2", "type 2-diabetes", "type 2 diabetes")),
    "E66": ("Obesity", ("fedme", "obesity")),
    "F20": ("Schizophrenia", ("schizofreni", "schizophrenia")),
    "F32": ("Depressive episode", ("depresjon", "depression")),
    "F41": ("Other anxiety disorders", ("angst", "angstlidingar", "anxiety")),
    "F90": ("Hyperkinetic disorders", ("adhd",)),
    "G20": (
        "Parkinson disease",
        ("parkinsons sykdom", "parkinsons sjukdom", "parkinson's disease"),
    ),
    "G30": (
        "Alzheimer disease",
        ("alzheimers sykdom", "alzheimers sjukdom", "alzheimer's disease"),
    ),
    "G35": ("Multiple sclerosis", ("multippel sklerose", "ms", "multiple sclerosis")),
    "G40": ("Epilepsy", ("epilepsi", "epilepsy")),
    "G43": ("Migraine", ("migrene", "migraine")),
    "I10": ("Essential (primary) hypertension", ("høyt blodtrykk", "hypertensjon", "hypertension")),
    "I21": ("Acute myocardial infarction", ("hjerteinfarkt", "myocardial infarction")),
    "I48": ("Atrial fibrillation and flutter", ("atrieflimmer", "atrial fibrillation")),
    "I50": ("Heart failure", ("hjertesvikt", "hjartesvikt", "heart failure")),
    "I64": ("Stroke, not specified as haemorrhage or infarction", ("hjerneslag", "slag", "stroke")),
    "J44": ("Other chronic obstructive pulmonary disease", ("kols", "copd")),
    "J45": ("Asthma", ("astma", "asthma")),
    "K50": ("Crohn disease", ("crohns sykdom", "crohns sjukdom", "crohn's disease")),
    "K51": ("Ulcerative colitis", ("ulcerøs kolitt", "ulcerative colitis")),
    "L40": ("Psoriasis", ("psoriasis",)),
    "M81": ("Osteoporosis without pathological fracture", ("osteoporose", "beinskjørhet")),
    "N18": ("Chronic kidney disease", ("kronisk nyresykdom", "chronic kidney disease")),
    "O24.4": ("Diabetes mellitus arising in pregnancy", ("svangerskapsdiabetes",)),
    "U07.1": ("COVID-19", ("covid-19", "covid19")),
}
_BY_NAME = {name: code for code, (_, names) in _CODES.items() for name in names}


def condition_coding(text: str) -> dict | None:
    """The ICD-10 Coding of a condition written as ``text``, if the list knows it."""
    code = _BY_NAME.get(text.strip().casefold())
    if code is None:
        return None
    return {"system": ICD10_SYSTEM, "code": code, "display": _CODES[code][0]}


def condition_names(code: str) -> tuple[str, ...]:
    """The names written for an ICD-10 code (empty if the list does not hold it)."""
    return _CODES.get(code, ("", ()))[1]
