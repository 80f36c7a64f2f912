import QtQuick
import "../components"

Item {
    id: identify
    property string kind: session.manualKinds.length ? session.manualKinds[0] : ""
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: qsTr("Identify yourself") }
        // the card guide: a card slides onto the reader, again and again
        Item {
            visible: session.cardReader
            width: parent.width
            height: Theme.minTouch * 4
            Rectangle {
                id: reader
                anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom }
                width: Theme.minTouch * 4
                height: Theme.minTouch
                radius: 12
                color: Theme.muted
            }
            Rectangle {
                id: card
                objectName: "cardGuide"
                width: Theme.minTouch * 2.6
                height: width * 0.63
                radius: 10
                color: Qt.lighter(Theme.primary, 1.6)
                border.color: Theme.primary
                border.width: 3
                x: (parent.width - width) / 2
                KText { anchors.centerIn: parent; text: qsTr("ID card"); color: Theme.primary }
                SequentialAnimation on y {
                    loops: Animation.Infinite
                    NumberAnimation { from: 0; to: reader.y - card.height * 0.6; duration: 1400; easing.type: Easing.InOutQuad }
                    PauseAnimation { duration: 800 }
                }
            }
        }
        KText {
            visible: session.cardReader
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: Theme.fontTitle
            text: qsTr("Place your ID card on the reader")
        }
        // the government app's identity QR, read by the camera's code scanner
        Row {
            objectName: "govAppGuide"
            visible: session.govAppOffered
            width: parent.width
            spacing: Theme.spacing
            Rectangle {
                width: Theme.minTouch * 1.4
                height: width
                radius: 8
                color: Theme.background
                border.color: Theme.primary
                border.width: 3
                Grid {  // a QR-like glyph
                    anchors.centerIn: parent
                    columns: 3
                    spacing: 4
                    Repeater {
                        model: [1, 0, 1, 0, 1, 0, 1, 1, 1]
                        Rectangle {
                            required property int modelData
                            width: Theme.minTouch * 0.3
                            height: width
                            color: modelData ? Theme.primary : "transparent"
                        }
                    }
                }
            }
            KText {
                width: parent.width - Theme.minTouch * 1.4 - Theme.spacing
                anchors.verticalCenter: parent.verticalCenter
                text: session.govAppPrompt
            }
        }
        KText {
            objectName: "govAppChecking"
            visible: text !== ""
            width: parent.width
            color: Theme.primary
            font.bold: true
            text: session.govAppChecking
        }
        Column {
            visible: session.manualKinds.length > 0
            width: parent.width
            spacing: Theme.spacing
            KText { width: parent.width; font.bold: true; text: qsTr("Or type your document number") }
            Row {
                spacing: 10
                Repeater {
                    model: session.manualKinds
                    BigButton {
                        required property string modelData
                        objectName: "idKind_" + modelData
                        selected: identify.kind === modelData
                        text: modelData === "hkid" ? qsTr("Hong Kong identity card")
                                                   : qsTr("Home Return Permit")
                        onClicked: identify.kind = modelData
                    }
                }
            }
            KField {
                id: idNumber
                objectName: "idNumber"
                width: parent.width
                placeholderText: identify.kind === "hkid" ? "A123456(3)" : "H12345678"
                inputMethodHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText | Qt.ImhSensitiveData
                errorText: session.error
            }
            KField {
                id: idName
                objectName: "idName"
                width: parent.width
                placeholderText: qsTr("Name as on the document")
                inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhSensitiveData
            }
            BigButton {
                objectName: "confirmId"
                primary: true
                text: qsTr("Confirm")
                onClicked: session.enterIdManually(identify.kind, idNumber.text, idName.text)
            }
        }
        ErrorText { text: session.error }
    }
}
