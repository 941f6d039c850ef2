# ruff: noqa: E501
"""Names of controlled-vocabulary rows (kept as data) marked for translation, so the site can
show them in the visitor's language with the `tr` template filter. A row whose name is not here
(a topic an editor adds later) is shown as entered. Regenerate when the vocabulary changes."""

from django.utils.translation import gettext_noop

VOCABULARY = [
    gettext_noop("Child sexual abuse material"),
    gettext_noop("Defines child sexual abuse material"),
    gettext_noop("Does national law define child sexual abuse material (child pornography)?"),
    gettext_noop("Child means a person under 18"),
    gettext_noop("Does the definition protect every person under 18?"),
    gettext_noop("Covers virtual and simulated material"),
    gettext_noop(
        "Does the law cover material that depicts no real child (drawings, computer-generated or morphed images, persons appearing to be children)?"
    ),
    gettext_noop("Production"),
    gettext_noop("Is producing child sexual abuse material a criminal offence?"),
    gettext_noop("Distribution"),
    gettext_noop(
        "Is distributing or disseminating child sexual abuse material a criminal offence?"
    ),
    gettext_noop("Import and export"),
    gettext_noop("Is importing or exporting child sexual abuse material a criminal offence?"),
    gettext_noop("Offering and selling"),
    gettext_noop(
        "Is offering, advertising or selling child sexual abuse material a criminal offence?"
    ),
    gettext_noop("Possession for distribution"),
    gettext_noop(
        "Is possessing child sexual abuse material for the purpose of distributing, offering or selling it a criminal offence?"
    ),
    gettext_noop("Simple possession"),
    gettext_noop(
        "Is knowingly possessing child sexual abuse material a criminal offence, whatever the intent to distribute?"
    ),
    gettext_noop("Accessing or viewing"),
    gettext_noop(
        "Is knowingly accessing or viewing child sexual abuse material (e.g. online, without downloading) a criminal offence?"
    ),
    gettext_noop("Internet service providers must report"),
    gettext_noop(
        "Does the law require internet service providers to report child sexual abuse material to the police or another authority?"
    ),
    # Treaties' abbreviations (the UN's in each language; where none is in use, a short name).
    gettext_noop("CRC"),
    gettext_noop("OPSC"),
    gettext_noop("OPAC"),
    gettext_noop("OPIC"),
    gettext_noop("Article"),
    gettext_noop("Convention on the Rights of the Child"),
    gettext_noop(
        "Optional Protocol to the Convention on the Rights of the Child on the involvement of children in armed conflict"
    ),
    gettext_noop(
        "Optional Protocol to the Convention on the Rights of the Child on the sale of children, child prostitution and child pornography"
    ),
    gettext_noop(
        "Optional Protocol to the Convention on the Rights of the Child on a communications procedure"
    ),
    gettext_noop("Africa"),
    gettext_noop("Americas"),
    gettext_noop("Asia"),
    gettext_noop("Australia and New Zealand"),
    gettext_noop("Caribbean"),
    gettext_noop("Central America"),
    gettext_noop("Central Asia"),
    gettext_noop("Eastern Africa"),
    gettext_noop("Eastern Asia"),
    gettext_noop("Eastern Europe"),
    gettext_noop("Europe"),
    gettext_noop("Melanesia"),
    gettext_noop("Micronesia"),
    gettext_noop("Middle Africa"),
    gettext_noop("Northern Africa"),
    gettext_noop("Northern America"),
    gettext_noop("Northern Europe"),
    gettext_noop("Oceania"),
    gettext_noop("Polynesia"),
    gettext_noop("South America"),
    gettext_noop("South-eastern Asia"),
    gettext_noop("Southern Africa"),
    gettext_noop("Southern Asia"),
    gettext_noop("Southern Europe"),
    gettext_noop("Western Africa"),
    gettext_noop("Western Asia"),
    gettext_noop("Western Europe"),
]
