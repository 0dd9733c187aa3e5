#include "skin/Vendors.h"

#include <algorithm>
#include <cctype>

namespace fa::skin {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

std::optional<double> minus(double from, const std::optional<double>& v) {
    return v ? std::optional<double>(from - *v) : std::nullopt;
}

} // namespace

TablePlacement siemensArtis(const EventGeometry& e) {
    return TablePlacement{e.tableLongitudinal_mm, e.tableLateral_mm, e.tableHeight_mm};
}

TablePlacement philipsAllura(const EventGeometry& e) {
    return TablePlacement{e.tableLongitudinal_mm, e.tableLateral_mm, minus(1055.0, e.tableHeight_mm)};
}

TablePlacement canonInfinix(const EventGeometry& e) {
    return TablePlacement{e.tableLateral_mm, e.tableLongitudinal_mm, e.tableHeight_mm};
}

TablePlacement dicomAxes(const EventGeometry& e) {
    return TablePlacement{e.tableLateral_mm, e.tableLongitudinal_mm, std::nullopt};
}

TablePlacement noTable(const EventGeometry&) { return TablePlacement{}; }

Normalisation normalisationFor(const DeviceInfo& device) {
    const std::string maker = lower(device.manufacturer), model = lower(device.model);
    if (has(maker, "siemens")) {
        if (has(model, "cios") || has(model, "arcadis") || has(model, "siremobil"))
            return {"Siemens mobile C-arm (Cios, ARCADIS)", "", noTable,
                    SkinNote{"normalisation-mobile", {},
                                     "no table positions: the patient centred at the isocentre, the skin at the reference point"}};
        return {"Siemens Artis/AXIOM", "siemens-artis", siemensArtis,
                SkinNote{"normalisation-siemens-artis", {},
                         "table travel along the patient read from Table Lateral Position (Siemens Artis); the patient "
                         "centred across and along at the position of the event with the highest Ka,r"}};
    }
    if (has(maker, "philips"))
        return {"Philips Allura/Azurion", "", philipsAllura,
                SkinNote{"normalisation-philips-allura", {},
                         "table top 1055 mm minus Table Height Position below the isocentre (PySkinDose's Allura Clarity); "
                         "the patient centred across and along at the position of the event with the highest Ka,r"}};
    if (has(maker, "canon") || has(maker, "toshiba"))
        return {"Canon/Toshiba Alphenix/Infinix/Ultimax", "", canonInfinix,
                SkinNote{"normalisation-canon", {},
                         "Table Height Position read as the table top's distance below the isocentre (as Siemens writes it); "
                         "the patient centred across and along at the position of the event with the highest Ka,r"}};
    if (has(maker, "ge ") || maker == "ge" || has(maker, "general electric") || has(maker, "oec") || has(maker, "gehc") ||
        has(maker, "ge healthcare") || has(maker, "ge medical")) {
        if (has(model, "oec") || has(model, "super-c") || has(model, "9800") || has(model, "9900") || has(model, "elite"))
            return {"GE OEC (mobile C-arm)", "", noTable,
                    SkinNote{"normalisation-mobile", {},
                                     "no table positions: the patient centred at the isocentre, the skin at the reference point"}};
        return {"GE Innova/Discovery", "", dicomAxes,
                SkinNote{"normalisation-ge", {},
                         "the table height's zero is not known for GE: the back placed at the reference point; the patient "
                         "centred across and along at the position of the event with the highest Ka,r"}};
    }
    return {"DICOM axes (" + (device.manufacturer.empty() ? std::string("unknown manufacturer") : device.manufacturer) + ")", "",
            dicomAxes,
            SkinNote{"normalisation-unknown", {{"manufacturer", device.manufacturer}},
                     "no geometry normalisation for this manufacturer: table axes as DICOM names them, the back at the "
                     "reference point, the patient centred at the position of the event with the highest Ka,r"}};
}

} // namespace fa::skin
