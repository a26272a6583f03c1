"""The sample org's words and codes: teams, person and company names, lead sources and statuses, opportunity
stages and types, activity subjects, and the hours at which leads arrive and reps work."""

from __future__ import annotations

import numpy as np

from kpi.sources.sample_org.arrays import ascii_names, cat

ADR, SMB, MM = 0, 1, 2
TEAM_NAMES = ("ADR", "SMB", "Mid-Market")
ROLE_NAMES = ("VP Inside Sales", "ADR Manager", "SMB Manager", "Mid-Market Manager", "ADR", "SMB Account Manager",
              "Mid-Market AE")
ROLE_PARENTS = (-1, 0, 0, 0, 1, 2, 3)  # position of each role's parent in ROLE_NAMES (-1: none)
DOMAIN = "brightpathsoftware.com"

FIRST_NAMES = (
    "Aaliyah", "Adebayo", "Aiko", "Alejandro", "Amara", "Ananya", "Andre", "Anh", "Arjun", "Aroha", "Ashley",
    "Beatriz", "Bilal", "Brandon", "Brianna", "Camila", "Carlos", "Chidi", "Chloe", "Daniel", "Darius",
    "David", "Deepa", "Diego", "Dmitri", "Elena", "Emeka", "Emily", "Esther", "Fatima", "Femi", "Fernanda",
    "Gabriel", "Grace", "Hana", "Hannah", "Hassan", "Hiroshi", "Imani", "Isabel", "Jamal", "Javier",
    "Jessica", "Jia", "Jin", "José", "Kai", "Kamala", "Keanu", "Kenji", "Kevin", "Kwame", "Lakshmi", "Lauren",
    "Layla", "Leila", "Liam", "Lucía", "Malik", "Maria", "Marcus", "Mateo", "Megan", "Mei", "Michael",
    "Mohammed", "Nadia", "Naomi", "Nia", "Nikhil", "Olivia", "Omar", "Oluwaseun", "Pablo", "Priya", "Quinn",
    "Rafael", "Rahul", "Ravi", "Rosa", "Ryan", "Sakura", "Samir", "Santiago", "Sara", "Sean", "Siddharth",
    "Sofia", "Tariq", "Thandiwe", "Tomás", "Trinh", "Tyler", "Valentina", "Vikram", "Wei", "Xavier", "Yara",
    "Yusuf", "Zainab", "Zoë",
)
LAST_NAMES = (
    "Abernathy", "Adeyemi", "Agarwal", "Alvarez", "Anderson", "Baker", "Banerjee", "Bautista", "Bennett",
    "Brooks", "Castillo", "Chen", "Cho", "Clarke", "Cohen", "Costa", "Cruz", "Dang", "Davis", "Delgado",
    "Diallo", "Dubois", "Edwards", "Eze", "Fernández", "Fischer", "Flores", "Gallagher", "García", "Gonzalez",
    "Gupta", "Haddad", "Hall", "Hernández", "Hoang", "Hughes", "Ibrahim", "Ito", "Jackson", "Jensen",
    "Johnson", "Kapoor", "Kaur", "Kim", "Kowalski", "Kumar", "Lee", "Lewis", "Li", "Lopez", "Mahmoud",
    "Martin", "Mendoza", "Mensah", "Miller", "Mitchell", "Moreno", "Murphy", "Nakamura", "Nguyen", "Novak",
    "Nwosu", "O'Brien", "O'Connor", "Okafor", "Okonkwo", "Ortiz", "Osei", "Park", "Patel", "Perez", "Petrov",
    "Phillips", "Quispe", "Ramirez", "Rao", "Reyes", "Rivera", "Robinson", "Rossi", "Sánchez", "Santos",
    "Schmidt", "Shah", "Silva", "Singh", "Sullivan", "Suzuki", "Tanaka", "Taylor", "Thompson", "Tran",
    "Turner", "Vargas", "Walker", "Wang", "Washington", "Williams", "Wong", "Yamamoto", "Yilmaz", "Young",
    "Zhang", "Zhou",
)
COMPANY_PREFIXES = (
    "Blue Harbor", "Northwind", "Summit", "Cedar & Pine", "Ironwood", "Bright Falls", "Silver Lake", "Redwood",
    "Granite", "Pioneer", "Atlas", "Lakeside", "Evergreen", "Meridian", "Harborview", "Keystone", "Sterling",
    "Cascade", "Prairie", "Coastal", "Vertex", "Orchid", "Juniper", "Falcon", "Beacon", "Horizon", "Maple",
    "Copper", "Aspen", "Crescent", "Golden Gate", "Liberty", "Magnolia", "Sunrise", "Tidewater", "Oak Street",
    "Riverbend", "Lighthouse", "Bluebird", "Frontier", "Saguaro", "Bayou", "Kona", "Appalachian", "Great Plains",
)
COMPANY_CORES = (
    "Logistics", "Dental", "Analytics", "Manufacturing", "Health", "Software", "Foods", "Energy", "Financial",
    "Realty", "Robotics", "Labs", "Freight", "Clinics", "Media", "Pharma", "Retail", "Outfitters",
    "Engineering", "Insurance", "Biotech", "Hospitality", "Construction", "Legal", "Marketing", "Networks",
    "Solar", "Apparel", "Education", "Veterinary",
)
COMPANY_SUFFIXES = ("Inc.", ", Inc.", "LLC", "Group", "Co.", "Partners", "Corp.", "Holdings", "", "", "", "")
INDUSTRIES = ("Technology", "Healthcare", "Manufacturing", "Retail", "Financial Services", "Education",
              "Logistics", "Media", "Construction", "Hospitality", "Professional Services", "Energy")
LEAD_SOURCES = ("Web", "Webinar", "Trade Show", "Content Download", "Partner Referral", "Outbound Prospecting")
LEAD_SOURCE_P = (0.30, 0.14, 0.10, 0.22, 0.09, 0.15)
SRC_PARTNER, SRC_OUTBOUND = 4, 5
QUEUES = ("Inbound Lead Queue", "Partner Lead Queue")  # owner codes -1 and -2

STATUSES = ("Open - Not Contacted", "Working - Contacted", "MQL", "Marketing Qualified", "SAL", "Sales Accepted",
            "SQL", "Closed - Converted", "Closed - Not Converted", "Recycled")
S_OPEN, S_WORKING, S_MQL, S_MQL_ALT, S_SAL, S_SAL_ALT, S_SQL, S_CONVERTED, S_CNC, S_RECYCLED = range(10)
TERMINAL = (S_CONVERTED, S_CNC, S_RECYCLED)

STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review",
          "Closed Won", "Closed Lost")
PROBABILITY = np.array([10, 10, 20, 75, 90, 100, 0])
FORECAST = np.array(["Pipeline", "Pipeline", "Best Case", "Best Case", "Commit", "Closed", "Omitted"], dtype=object)
# Stage paths after Prospecting (-1 pads): two won paths, then lost after reaching stage 0..4.
PATHS = np.array([[1, 2, 3, 4, 5], [1, 3, 4, 5, -1], [6, -1, -1, -1, -1], [1, 6, -1, -1, -1],
                  [1, 2, 6, -1, -1], [1, 2, 3, 6, -1], [1, 2, 3, 4, 6]])
PATH_LEN = (PATHS >= 0).sum(axis=1)
OPP_TYPES = ("New Business", "Existing Business - Upgrade", "Existing Business - Renewal")
NB, UPG, REN = 0, 1, 2
ACCOUNT_PARTNER_TYPES = ("Channel Partner / Reseller", "Technology Partner", "Installation Partner")
# Every Type that makes an account a partner (DESIGN "Partners and customers").
PARTNER_TYPES = ("Channel Partner / Reseller", "Installation Partner", "Technology Partner", "Partner", "Reseller",
                 "Service Provider")

LEAD_HOURS = np.array([0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.2, 2.5, 3.5, 4.0, 4.0, 3.6, 3.8, 3.8, 3.5, 3.0, 2.4,
                       1.8, 1.5, 1.3, 1.1, 0.9, 0.7])
WORK_HOURS = np.array([0.06, 0.12, 0.13, 0.12, 0.07, 0.10, 0.12, 0.11, 0.10, 0.07])  # 08:00 .. 17:59

CALL_SUBJECTS = ("Call", "Outbound call", "Left voicemail", "Connected - discovery", "No answer", "Call")
EMAIL_SUBJECTS = ("Email: Intro", "Email: Following up", "Email: Re: pricing question", "Email: Case study",
                  "Email: Quick question")
LIST_EMAIL_SUBJECTS = ("List Email: Webinar invite", "List Email: Product update", "List Email: Customer story")
GENERIC_SUBJECTS = ("Follow-up", "Check in", "Intro", "Touch base", "Re: next steps")
CALL_TEXT_SUBJECTS = ("Call back re: pricing", "call - left voicemail", "CALL: follow-up", "Called, no answer",
                      "Call w/ IT lead")
EMAIL_TEXT_SUBJECTS = ("email follow-up", "Email sent: proposal", "EMAIL - intro", "emailed case study",
                       "Email recap")
CADENCE_CALL_SUBJECTS = ("Cadence step 2: call", "Cadence step 4: call")
CADENCE_EMAIL_SUBJECTS = ("Cadence step 1: email", "Cadence step 3: email")
OTHER_SUBJECTS = ("Prep for QBR", "Update opportunity notes", "Internal: pipeline review", "Research account",
                  "Send contract to legal", "Prep demo environment", "Follow up on contract")
MEETING_TASK_SUBJECTS = ("Meeting: product demo", "Onsite visit", "Lunch with champion", "Meeting - pricing review")
OPEN_SUBJECTS = ("Follow-up call", "Call back - pricing question", "Send proposal", "Follow up on demo",
                 "Email recap", "Check in re: contract")
EVENT_SUBJECTS = ("Discovery call", "Product demo", "Proposal review", "QBR", "Intro meeting",
                  "Pricing discussion", "Technical deep dive", "Kickoff")


def companies(rng, n) -> tuple[np.ndarray, np.ndarray]:
    """Company names ('Summit Dental, Inc.', 'Okafor & Reyes Legal') and their web domains."""
    pre = rng.integers(0, len(COMPANY_PREFIXES), n)
    core = rng.integers(0, len(COMPANY_CORES), n)
    suf = rng.integers(0, len(COMPANY_SUFFIXES), n)
    fam1 = rng.integers(0, len(LAST_NAMES), n)
    fam2 = rng.integers(0, len(LAST_NAMES), n)
    family = rng.random(n) < 0.15
    prefixes = np.array(COMPANY_PREFIXES, dtype=object)
    lasts = np.array(LAST_NAMES, dtype=object)
    head = np.where(family, cat(lasts[fam1], " & ", lasts[fam2]), prefixes[pre])
    suffix = np.array(COMPANY_SUFFIXES, dtype=object)[suf]
    glue = np.where(suffix == "", "", np.where(np.char.startswith(suffix.astype(str), ","), "", " "))
    name = cat(head, " ", np.array(COMPANY_CORES, dtype=object)[core], glue, suffix)
    head_ascii = np.where(family, cat(ascii_names(LAST_NAMES)[fam1], ascii_names(LAST_NAMES)[fam2]),
                          ascii_names(COMPANY_PREFIXES)[pre])
    domain = cat(head_ascii, ascii_names(COMPANY_CORES)[core], np.where(rng.random(n) < 0.8, ".com", ".io"))
    return name, domain

CONTACT_TITLES = ("CEO", "COO", "CFO", "VP Operations", "VP Sales", "Head of IT", "IT Manager", "Office Manager",
                  "Operations Director", "Procurement Lead", "Practice Manager", "Owner")
OUTBOUND_CALL_SUBJECTS = ("Prospecting call", "Cold call - left voicemail", "Call: intro to decision maker",
                          "Outbound call")
OUTBOUND_EMAIL_SUBJECTS = ("Email: Intro", "Email: Case study", "Email: Quick question", "Email: Following up")
