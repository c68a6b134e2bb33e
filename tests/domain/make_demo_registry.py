#!/usr/bin/env python3
"""Writes domain/data/demo-registry.csv: fictitious establishments for the demo world.

Every name ends with "(fictif)"; FINESS numbers carry valid Luhn keys and département prefixes
but designate no real establishment. Run from the repository root:
    python3 tests/domain/make_demo_registry.py > domain/data/demo-registry.csv
"""
import csv
import sys

PREFIX = {"2A": "2A", "2B": "2B", "974": "9704"}


def luhn_key(digits):
    digits = digits.replace("2A", "21", 1).replace("2B", "22", 1)  # Corsica: 2A → 21, 2B → 22
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # every second digit from the right, once the key is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def finess(departement, serial):
    prefix = PREFIX.get(departement, departement)
    body = prefix + str(serial).zfill(8 - len(prefix))
    return body + luhn_key(body)


# (EJ département, EJ serial, organisation name, [(name, category, département, commune)])
ORGANISATIONS = [
    ("33", 100, "Association Les Chênes Verts (fictif)", [
        ("EHPAD Les Tilleuls (fictif)", "500", "33", "Bordeaux"),
        ("EHPAD Le Clos des Vignes (fictif)", "500", "33", "Libourne"),
        ("EHPAD Résidence de l'Estuaire (fictif)", "500", "33", "Blaye"),
        ("EHPAD Les Pins (fictif)", "500", "33", "Arcachon"),
        ("SSIAD du Médoc (fictif)", "354", "33", "Lesparre-Médoc"),
        ("SSIAD de l'Entre-deux-Mers (fictif)", "354", "33", "Créon"),
        ("IME Les Coquelicots (fictif)", "183", "33", "Mérignac"),
        ("SESSAD Les Petits Pas (fictif)", "182", "33", "Pessac"),
        ("ESAT Les Ateliers du Lac (fictif)", "246", "33", "Bordeaux"),
        ("MAS Les Arbousiers (fictif)", "255", "33", "Talence"),
        ("EHPAD Les Glycines (fictif)", "500", "24", "Périgueux"),
        ("EHPAD Le Moulin de Bergerac (fictif)", "500", "24", "Bergerac"),
        ("FAM La Dordogne (fictif)", "437", "24", "Sarlat-la-Canéda"),
    ]),
    ("64", 200, "Fondation Atlantique Solidarité (fictif)", [
        ("EHPAD Les Hortensias (fictif)", "500", "64", "Pau"),
        ("EHPAD Itsas Mendi (fictif)", "500", "64", "Bayonne"),
        ("EHPAD Le Gave (fictif)", "500", "64", "Oloron-Sainte-Marie"),
        ("IME Les Goélands (fictif)", "183", "64", "Anglet"),
        ("ESAT Atelier Basque (fictif)", "246", "64", "Biarritz"),
        ("SSIAD Béarn (fictif)", "354", "64", "Orthez"),
        ("CHRS L'Escale (fictif)", "214", "64", "Pau"),
        ("EHPAD Les Landes Fleuries (fictif)", "500", "40", "Mont-de-Marsan"),
        ("EHPAD L'Océane (fictif)", "500", "40", "Dax"),
        ("MAS Les Pins Maritimes (fictif)", "255", "40", "Mimizan"),
        ("SESSAD Côte d'Argent (fictif)", "182", "40", "Biscarrosse"),
    ]),
    ("17", 300, "Mutualité des Charentes et du Poitou (fictif)", [
        ("EHPAD Les Mouettes (fictif)", "500", "17", "La Rochelle"),
        ("EHPAD Le Phare (fictif)", "500", "17", "Royan"),
        ("EHPAD Saintonge (fictif)", "500", "17", "Saintes"),
        ("FAM Les Salines (fictif)", "437", "17", "Rochefort"),
        ("SSIAD Aunis (fictif)", "354", "17", "Surgères"),
        ("EHPAD Les Marronniers (fictif)", "500", "86", "Poitiers"),
        ("IME Le Clain (fictif)", "183", "86", "Châtellerault"),
        ("ESAT Les Ateliers du Poitou (fictif)", "246", "86", "Poitiers"),
        ("SAVS Vienne (fictif)", "446", "86", "Loudun"),
        ("EHPAD La Charente (fictif)", "500", "16", "Angoulême"),
    ]),
    ("47", 400, "Association Garonne Handicap et Santé (fictif)", [
        ("IME Les Pruniers (fictif)", "183", "47", "Agen"),
        ("ESAT Le Lot (fictif)", "246", "47", "Villeneuve-sur-Lot"),
        ("MAS Les Coteaux (fictif)", "255", "47", "Marmande"),
        ("FAM Les Vergers (fictif)", "437", "47", "Nérac"),
        ("SESSAD Garonne (fictif)", "182", "47", "Agen"),
        ("SAMSAH Albret (fictif)", "445", "47", "Tonneins"),
        ("EHPAD Les Bastides (fictif)", "500", "47", "Casteljaloux"),
        ("Centre hospitalier de Pays de Garonne (fictif)", "355", "47", "Agen"),
        ("EHPAD Le Ruisseau d'Or (fictif)", "500", "33", "Langon"),
        ("PMI Val de Garonne (fictif)", "223", "47", "Marmande"),
    ]),
    ("2A", 500, "Groupement Corse Solidarité (fictif)", [
        ("EHPAD I Fiori (fictif)", "500", "2A", "Ajaccio"),
        ("EHPAD U Castellu (fictif)", "500", "2A", "Porto-Vecchio"),
        ("IME A Marina (fictif)", "183", "2A", "Ajaccio"),
        ("EHPAD San Ghjuvanni (fictif)", "500", "2B", "Bastia"),
        ("ESAT U Mulinu (fictif)", "246", "2B", "Corte"),
        ("SSIAD Balagne (fictif)", "354", "2B", "Calvi"),
        ("MAS Capicorsu (fictif)", "255", "2B", "Bastia"),
    ]),
    ("974", 600, "Association Réunion Entraide (fictif)", [
        ("EHPAD Les Flamboyants (fictif)", "500", "974", "Saint-Denis"),
        ("EHPAD Le Volcan (fictif)", "500", "974", "Saint-Pierre"),
        ("EHPAD Les Filaos (fictif)", "500", "974", "Saint-Paul"),
        ("IME Les Tamarins (fictif)", "183", "974", "Le Tampon"),
        ("ESAT Les Cannes (fictif)", "246", "974", "Saint-André"),
        ("SSIAD de l'Est (fictif)", "354", "974", "Saint-Benoît"),
        ("SESSAD Océan Indien (fictif)", "182", "974", "Saint-Louis"),
        ("FAM Les Vacoas (fictif)", "437", "974", "Saint-Leu"),
    ]),
]


def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["finess", "ej", "name", "category", "departement", "commune", "ej_name"])
    serial = {}
    for ej_dep, ej_serial, ej_name, establishments in ORGANISATIONS:
        ej = finess(ej_dep, ej_serial)
        for name, category, dep, commune in establishments:
            serial[dep] = serial.get(dep, 1000) + 17
            out.writerow([finess(dep, serial[dep]), ej, name, category, dep, commune, ej_name])


if __name__ == "__main__":
    main()
