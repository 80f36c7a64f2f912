import QtQuick
import "../components"

Item {
    id: lookup
    property string industry: ""
    property string size: ""
    // GB/T 4754 divisions the policies are written for
    readonly property var industries: [
        { code: "I65", label: qsTr("Software and IT services") }, { code: "I64", label: qsTr("Internet services") },
        { code: "C39", label: qsTr("Electronics manufacturing") }, { code: "H62", label: qsTr("Catering") },
        { code: "F52", label: qsTr("Retail") }, { code: "Q83", label: qsTr("Health care") },
        { code: "M73", label: qsTr("Research and development") }, { code: "M75", label: qsTr("Technology promotion") }
    ]
    readonly property var sizes: [
        { code: "micro", label: qsTr("Micro") }, { code: "small", label: qsTr("Small") },
        { code: "medium", label: qsTr("Medium") }, { code: "large", label: qsTr("Large") }
    ]
    Flickable {
        anchors { fill: parent; bottomMargin: go.height + Theme.spacing }
        clip: true
        contentHeight: column.height
        Column {
            id: column
            width: parent.width
            spacing: Theme.spacing
            ScreenTitle { text: qsTr("Business-support policies") }
            KText { width: parent.width; font.bold: true; text: qsTr("Unified social credit code") }
            KField {
                id: uscc
                objectName: "usccField"
                width: parent.width
                placeholderText: "91440304MA5F11111R"
                inputMethodHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
                errorText: session.fieldErrors.uscc || ""
            }
            ErrorText { text: session.fieldErrors.uscc || "" }
            KText { width: parent.width; font.bold: true; text: qsTr("Industry") }
            Flow {
                width: parent.width
                spacing: 10
                Repeater {
                    model: lookup.industries
                    BigButton {
                        required property var modelData
                        objectName: "industry_" + modelData.code
                        text: modelData.label
                        pixelSize: Theme.fontSmall
                        selected: lookup.industry === modelData.code
                        onClicked: lookup.industry = modelData.code
                    }
                }
            }
            ErrorText { text: session.fieldErrors.industry || "" }
            KText { width: parent.width; font.bold: true; text: qsTr("Company size") }
            Flow {
                width: parent.width
                spacing: 10
                Repeater {
                    model: lookup.sizes
                    BigButton {
                        required property var modelData
                        objectName: "size_" + modelData.code
                        text: modelData.label
                        pixelSize: Theme.fontSmall
                        selected: lookup.size === modelData.code
                        onClicked: lookup.size = modelData.code
                    }
                }
            }
            ErrorText { text: session.fieldErrors.size || "" }
            KText { width: parent.width; font.bold: true; text: qsTr("Year established") }
            KField {
                id: year
                objectName: "yearField"
                width: parent.width / 2
                placeholderText: "2025"
                inputMethodHints: Qt.ImhDigitsOnly
                errorText: session.fieldErrors.established || ""
            }
            ErrorText { text: session.fieldErrors.established || "" }
        }
    }
    BigButton {
        id: go
        objectName: "lookupPolicies"
        anchors { bottom: parent.bottom; right: parent.right }
        primary: true
        text: qsTr("Find policies")
        onClicked: session.lookupPolicies(uscc.text, lookup.industry, lookup.size, year.text)
    }
}
